#pragma once

#include <weft/addr/detail/bits.hpp>
#include <weft/addr/ip_address.hpp>
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/uint128.hpp>

#include <compare>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace weft::addr {

/// How a network parser treats host bits ("192.168.100.1/26").
enum class parse_mode : std::uint8_t {
    lenient, ///< clear them: the result is 192.168.100.0/26 (Python's strict=False)
    strict,  ///< reject with parse_errc::host_bits_set (Python's strict=True)
};

namespace detail {

template <class A> struct prefixed {
    A address{};
    std::uint8_t prefix = 0;
};

/// Parses "address[/prefix]" where prefix is a length, or (IPv4) a netmask or hostmask.
template <class A>
constexpr parse_outcome<prefixed<A>> parse_prefixed(std::string_view s, bool allow_zone) noexcept {
    using out = prefixed<A>;
    const std::size_t slash = s.find('/');
    const std::string_view address_text = s.substr(0, slash);
    out result;
    if constexpr (std::is_same_v<A, ipv4_address>) {
        const auto a = parse_ipv4(address_text, 0);
        if (!a.ok) {
            return failure<out>(a.error.code, a.error.offset);
        }
        result.address = ipv4_address(a.value);
    } else {
        const auto a = parse_ipv6(address_text, 0, allow_zone);
        if (!a.ok) {
            return failure<out>(a.error.code, a.error.offset);
        }
        result.address = ipv6_address(a.value);
    }
    if (slash == std::string_view::npos) {
        result.prefix = static_cast<std::uint8_t>(A::bits);
        return success(result);
    }
    const std::string_view p = s.substr(slash + 1);
    if (p.empty()) {
        return failure<out>(parse_errc::missing_prefix, slash + 1);
    }
    if constexpr (std::is_same_v<A, ipv4_address>) {
        if (p.find('.') != std::string_view::npos) {
            const auto m = parse_ipv4(p, slash + 1);
            if (!m.ok) {
                return failure<out>(m.error.code, m.error.offset);
            }
            // A netmask (255.255.255.192) or a Cisco-style hostmask (0.0.0.63).
            int len = prefix_from_netmask<A>(m.value);
            if (len < 0) {
                len = prefix_from_netmask<A>(~m.value);
            }
            if (len < 0) {
                return failure<out>(parse_errc::invalid_netmask, slash + 1);
            }
            result.prefix = static_cast<std::uint8_t>(len);
            return success(result);
        }
    }
    const auto len = parse_decimal(p, slash + 1, A::bits, parse_errc::prefix_out_of_range);
    if (!len.ok) {
        return failure<out>(len.error.code, len.error.offset);
    }
    result.prefix = static_cast<std::uint8_t>(len.value);
    return success(result);
}

} // namespace detail

/// An inclusive range of addresses [first, last], iterated lazily (works on a /64).
template <class A> class address_range {
  public:
    using uint_type = typename A::uint_type;
    class iterator {
      public:
        using value_type = A;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::input_iterator_tag;
        constexpr iterator() noexcept = default;
        constexpr iterator(uint_type cur, uint_type last, bool done) noexcept
            : cur_(cur), last_(last), done_(done) {}
        constexpr A operator*() const noexcept { return A::from_uint(cur_); }
        constexpr iterator& operator++() noexcept {
            if (cur_ == last_) {
                done_ = true;
            } else {
                ++cur_;
            }
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.cur_ == b.cur_);
        }

      private:
        uint_type cur_{};
        uint_type last_{};
        bool done_ = true;
    };

    constexpr address_range() noexcept = default; ///< empty
    constexpr address_range(A first, A last) noexcept
        : first_(first.to_uint()), last_(last.to_uint()), empty_(first_ > last_) {}

    [[nodiscard]] constexpr bool empty() const noexcept { return empty_; }
    [[nodiscard]] constexpr A front() const noexcept { return A::from_uint(first_); }
    [[nodiscard]] constexpr A back() const noexcept { return A::from_uint(last_); }
    constexpr iterator begin() const noexcept { return iterator(first_, last_, empty_); }
    constexpr iterator end() const noexcept { return iterator(last_, last_, true); }

  private:
    uint_type first_{};
    uint_type last_{};
    bool empty_ = true;
};

template <class A> class basic_network;

/// The subnets of a network at a longer prefix, computed lazily.
template <class A> class subnet_range {
  public:
    using uint_type = typename A::uint_type;
    class iterator {
      public:
        using value_type = basic_network<A>;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::input_iterator_tag;
        constexpr iterator() noexcept = default;
        constexpr iterator(uint_type cur, uint_type last, std::uint8_t prefix, bool done) noexcept
            : cur_(cur), last_(last), prefix_(prefix), done_(done) {}
        constexpr basic_network<A> operator*() const noexcept {
            return basic_network<A>(A::from_uint(cur_), prefix_);
        }
        constexpr iterator& operator++() noexcept {
            if (cur_ == last_) {
                done_ = true;
            } else {
                cur_ += uint_type{1} << (A::bits - prefix_);
            }
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.cur_ == b.cur_);
        }

      private:
        uint_type cur_{};
        uint_type last_{};
        std::uint8_t prefix_ = 0;
        bool done_ = true;
    };

    constexpr subnet_range() noexcept = default; ///< empty: no subnets
    constexpr subnet_range(uint_type first, uint_type last, std::uint8_t prefix) noexcept
        : first_(first), last_(last), prefix_(prefix), empty_(false) {}
    [[nodiscard]] constexpr bool empty() const noexcept { return empty_; }
    /// Optional-like access: subnets() returns an empty range for an invalid prefix, so
    /// `if (auto r = net.subnets(p))` reads as it would with std::optional. `*` on a
    /// temporary yields a copy, which keeps `for (auto s : *net.subnets(28))` safe.
    [[nodiscard]] constexpr bool has_value() const noexcept { return !empty_; }
    constexpr explicit operator bool() const noexcept { return !empty_; }
    constexpr const subnet_range& operator*() const& noexcept { return *this; }
    constexpr subnet_range operator*() && noexcept { return *this; }
    constexpr const subnet_range* operator->() const noexcept { return this; }
    constexpr iterator begin() const noexcept { return iterator(first_, last_, prefix_, empty_); }
    constexpr iterator end() const noexcept { return iterator(last_, last_, prefix_, true); }
    /// How many subnets: 2^(new prefix - old prefix). Precondition: !empty().
    [[nodiscard]] constexpr address_count size() const noexcept {
        if (first_ == last_) {
            return address_count(0); // also keeps the shift below < bits when prefix_ == 0
        }
        // span is count - 1 = 2^k - 1, so k = floor_log2(span) + 1 (span + 1 overflows on a /0).
        const auto span = (last_ - first_) >> (A::bits - prefix_);
        return address_count(static_cast<unsigned>(detail::floor_log2(span) + 1));
    }

  private:
    uint_type first_{};
    uint_type last_{};
    std::uint8_t prefix_ = 0;
    bool empty_ = true;
};

/// A CIDR network (RFC 4632): an address with its host bits clear and a prefix length.
///
/// `ipv4_network` and `ipv6_network` are the two instances. The default value is the
/// whole address space, 0.0.0.0/0 or ::/0 (as asio's network_v4). Networks carry no zone.
/// Ordering is by network address, then prefix length (Python's ipaddress).
template <class A> class basic_network {
  public:
    using address_type = A;
    using uint_type = typename A::uint_type;
    static constexpr int bits = A::bits;
    /// Longest text: the longest address, '/', three digits.
    static constexpr std::size_t max_string_length = A::max_string_length + 4;

    constexpr basic_network() noexcept = default;
    /// The network of `address`/`prefix`: host bits cleared, zone dropped.
    /// Precondition: prefix <= bits.
    constexpr basic_network(A address, unsigned prefix) noexcept
        : address_(A::from_uint(address.to_uint() & detail::mask_bits<A>(prefix))),
          prefix_(static_cast<std::uint8_t>(prefix)) {}

    /// Parses "192.168.100.0/26", "192.168.100.0/255.255.255.192" (IPv4 netmask or
    /// hostmask) or a bare address (a /32 or /128). In parse_mode::strict, host bits
    /// are an error (parse_errc::host_bits_set at the '/').
    static constexpr expected<basic_network, parse_error>
    parse(std::string_view text, parse_mode mode = parse_mode::lenient) noexcept {
        const auto r = detail::parse_prefixed<A>(text, false);
        if (!r.ok) {
            return unexpected(r.error);
        }
        basic_network n(r.value.address, r.value.prefix);
        if (mode == parse_mode::strict && n.address_ != r.value.address) {
            return unexpected(
                parse_error{parse_errc::host_bits_set, static_cast<std::uint32_t>(text.find('/'))});
        }
        return n;
    }

    [[nodiscard]] constexpr A network_address() const noexcept { return address_; }
    /// The last address (all host bits set), called broadcast on IPv4.
    [[nodiscard]] constexpr A broadcast_address() const noexcept {
        return A::from_uint(address_.to_uint() | ~detail::mask_bits<A>(prefix_));
    }
    [[nodiscard]] constexpr unsigned prefix_length() const noexcept { return prefix_; }
    [[nodiscard]] constexpr A netmask() const noexcept {
        return A::from_uint(detail::mask_bits<A>(prefix_));
    }
    /// The wildcard mask: ~netmask.
    [[nodiscard]] constexpr A hostmask() const noexcept {
        return A::from_uint(static_cast<uint_type>(~detail::mask_bits<A>(prefix_)));
    }
    /// @returns 2^(bits - prefix), exact even for ::/0.
    [[nodiscard]] constexpr address_count num_addresses() const noexcept {
        return address_count(static_cast<unsigned>(bits - prefix_));
    }
    /// The first usable host. RFC 3021: a /31 (and /32) has no network or broadcast
    /// address to skip; on IPv6 only the Subnet-Router anycast (RFC 4291 §2.6.1) is
    /// skipped, and /127 (RFC 6164) and /128 use every address.
    [[nodiscard]] constexpr A first_host() const noexcept {
        if (prefix_ >= bits - 1) {
            return address_;
        }
        return A::from_uint(address_.to_uint() + 1);
    }
    /// The last usable host: the broadcast address is skipped on IPv4 only.
    [[nodiscard]] constexpr A last_host() const noexcept {
        if constexpr (std::is_same_v<A, ipv4_address>) {
            if (prefix_ < bits - 1) {
                return A::from_uint(broadcast_address().to_uint() - 1);
            }
        }
        return broadcast_address();
    }
    /// The usable hosts, first_host()..last_host(), lazily.
    [[nodiscard]] constexpr address_range<A> hosts() const noexcept {
        return {first_host(), last_host()};
    }
    /// Every address, network_address()..broadcast_address(), lazily.
    [[nodiscard]] constexpr address_range<A> addresses() const noexcept {
        return {network_address(), broadcast_address()};
    }

    /// @returns (a & netmask) == network_address. Zones are ignored.
    [[nodiscard]] constexpr bool contains(A a) const noexcept {
        return (a.to_uint() & detail::mask_bits<A>(prefix_)) == address_.to_uint();
    }
    /// @returns other.prefix >= prefix && contains(other.network_address()).
    [[nodiscard]] constexpr bool contains(const basic_network& other) const noexcept {
        return other.prefix_ >= prefix_ && contains(other.address_);
    }
    [[nodiscard]] constexpr bool supernet_of(const basic_network& other) const noexcept {
        return contains(other);
    }
    [[nodiscard]] constexpr bool subnet_of(const basic_network& other) const noexcept {
        return other.contains(*this);
    }
    [[nodiscard]] constexpr bool overlaps(const basic_network& other) const noexcept {
        return contains(other.address_) || other.contains(address_);
    }

    /// The subnets at `new_prefix` (prefix..bits), lazily; an empty range (has_value()
    /// false) when new_prefix is out of range. The range is a value: iterating
    /// `net.subnets(28)` or `*net.subnets(28)` directly is safe.
    [[nodiscard]] constexpr subnet_range<A> subnets(unsigned new_prefix) const noexcept {
        if (new_prefix < prefix_ || new_prefix > static_cast<unsigned>(bits)) {
            return {};
        }
        const uint_type last = broadcast_address().to_uint() & detail::mask_bits<A>(new_prefix);
        return subnet_range<A>(address_.to_uint(), last, static_cast<std::uint8_t>(new_prefix));
    }
    /// The network at `new_prefix` (0..prefix) that contains this one, or nullopt.
    [[nodiscard]] constexpr std::optional<basic_network>
    supernet(unsigned new_prefix) const noexcept {
        if (new_prefix > prefix_) {
            return std::nullopt;
        }
        return basic_network(address_, new_prefix);
    }
    /// The immediate supernet (prefix - 1); a /0 is its own supernet.
    [[nodiscard]] constexpr basic_network supernet() const noexcept {
        return basic_network(address_, prefix_ == 0 ? 0u : prefix_ - 1u);
    }

    /// Not globally reachable per the IANA registry: both ends in one non-global block
    /// and neither in an exception (Python's semantics for networks).
    [[nodiscard]] bool is_private() const noexcept;
    [[nodiscard]] bool is_global() const noexcept;
#define WEFT_NET_PREDICATE(name)                                                                   \
    [[nodiscard]] constexpr bool name() const noexcept {                                           \
        return network_address().name() && broadcast_address().name();                             \
    }
    WEFT_NET_PREDICATE(is_unspecified)
    WEFT_NET_PREDICATE(is_loopback)
    WEFT_NET_PREDICATE(is_link_local)
    WEFT_NET_PREDICATE(is_multicast)
    WEFT_NET_PREDICATE(is_documentation)
#undef WEFT_NET_PREDICATE
    [[nodiscard]] bool is_reserved() const noexcept {
        return network_address().is_reserved() && broadcast_address().is_reserved();
    }

    /// Writes "address/prefix". @returns the length.
    std::size_t format_to(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;

    friend constexpr auto operator<=>(const basic_network&, const basic_network&) = default;
    friend constexpr bool operator==(const basic_network&, const basic_network&) = default;

  private:
    A address_{};
    std::uint8_t prefix_ = 0;
};

/// An address together with the prefix of its network: "192.168.100.1/26".
///
/// What an interface is configured with; `network()` is the CIDR it belongs to. The IPv6
/// address may carry a zone. The default value is the unspecified address with prefix 0.
template <class A> class basic_interface {
  public:
    using address_type = A;
    static constexpr int bits = A::bits;
    static constexpr std::size_t max_string_length = A::max_string_length + 4;

    constexpr basic_interface() noexcept = default;
    /// Precondition: prefix <= bits.
    constexpr basic_interface(A address, unsigned prefix) noexcept
        : address_(address), prefix_(static_cast<std::uint8_t>(prefix)) {}

    /// Parses "address/prefix" (or a bare address: /32, /128); IPv4 accepts a netmask or
    /// hostmask after the '/', IPv6 a zone before it: "fe80::1%eth0/64".
    static constexpr expected<basic_interface, parse_error> parse(std::string_view text) noexcept {
        const auto r = detail::parse_prefixed<A>(text, true);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return basic_interface(r.value.address, r.value.prefix);
    }

    [[nodiscard]] constexpr A address() const noexcept { return address_; }
    [[nodiscard]] constexpr unsigned prefix_length() const noexcept { return prefix_; }
    [[nodiscard]] constexpr basic_network<A> network() const noexcept {
        return basic_network<A>(address_, prefix_);
    }

    std::size_t format_to(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;

    friend constexpr auto operator<=>(const basic_interface&, const basic_interface&) = default;
    friend constexpr bool operator==(const basic_interface&, const basic_interface&) = default;

  private:
    A address_{};
    std::uint8_t prefix_ = 0;
};

using ipv4_network = basic_network<ipv4_address>;
using ipv6_network = basic_network<ipv6_address>;
using ipv4_interface = basic_interface<ipv4_address>;
using ipv6_interface = basic_interface<ipv6_address>;

/// Aggregates `networks` into the fewest networks that cover exactly the same addresses
/// (Python's collapse_addresses). The result is sorted.
template <class A>
std::vector<basic_network<A>> collapse(std::span<const basic_network<A>> networks);

/// The fewest networks that cover exactly first..last, in order (Python's
/// summarize_address_range). Empty when first > last.
template <class A> std::vector<basic_network<A>> summarize_range(A first, A last);

/// `network` without `excluded`: the networks covering the rest, in Python's order
/// (address_exclude). nullopt when `excluded` is not a subnet of `network`.
template <class A>
std::optional<std::vector<basic_network<A>>> address_exclude(const basic_network<A>& network,
                                                             const basic_network<A>& excluded);

// Defined with the registry in special_purpose.cpp.
template <> bool basic_network<ipv4_address>::is_private() const noexcept;
template <> bool basic_network<ipv4_address>::is_global() const noexcept;
template <> bool basic_network<ipv6_address>::is_private() const noexcept;
template <> bool basic_network<ipv6_address>::is_global() const noexcept;

extern template class basic_network<ipv4_address>;
extern template class basic_network<ipv6_address>;
extern template class basic_interface<ipv4_address>;
extern template class basic_interface<ipv6_address>;

} // namespace weft::addr

template <class A> struct std::hash<weft::addr::basic_network<A>> {
    std::size_t operator()(const weft::addr::basic_network<A>& n) const noexcept {
        return std::hash<A>{}(n.network_address()) * 131 + n.prefix_length();
    }
};

template <class A>
struct fmt::formatter<weft::addr::basic_network<A>> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(const weft::addr::basic_network<A>& n, Ctx& ctx) const {
        char buf[weft::addr::basic_network<A>::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, n.format_to(buf)),
                                                        ctx);
    }
};

template <class A>
struct fmt::formatter<weft::addr::basic_interface<A>> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(const weft::addr::basic_interface<A>& n, Ctx& ctx) const {
        char buf[weft::addr::basic_interface<A>::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, n.format_to(buf)),
                                                        ctx);
    }
};
