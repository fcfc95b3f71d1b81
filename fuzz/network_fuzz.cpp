// Fuzzes the CIDR parsers (ipv4/ipv6 network, lenient and strict, and interface) and the
// network arithmetic on whatever they accept.
//
// Properties checked on every input, each failure a __builtin_trap():
// - a parse error points inside the input (offset <= size) and renders a message;
// - strict accepts a subset of lenient, with the same value; lenient-only input fails
//   strict with host_bits_set at the '/'; an interface parses wherever a network does,
//   and its network() is the lenient network;
// - parse(format(x)) == x for networks and interfaces, written into buffers of exactly
//   max_string_length (ASan catches a constant that is too small);
// - invariants: network_address <= broadcast_address, both contained; num_addresses ==
//   2^(bits - prefix) == broadcast - network + 1; netmask and hostmask complement;
//   subnets(prefix + 1) is two halves that are subnet_of the parent and collapse back to
//   it; subnets(p).size() == 2^(p - prefix); supernet contains it; collapse({n}) == {n};
//   summarize_range(network, broadcast) == {n}; address_exclude(n, n) is empty.
#include <weft/addr/network.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#define WEFT_FUZZ_CHECK(cond)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (false)

namespace {

using namespace weft::addr;

void check_error(const parse_error& e, std::string_view text) {
    WEFT_FUZZ_CHECK(e.offset <= text.size());
    WEFT_FUZZ_CHECK(!e.message(text).empty());
}

// Iterates at most `limit` subnets, so a /0 split into /128s stays cheap.
template <class A>
std::vector<basic_network<A>> first_subnets(const subnet_range<A>& range, std::size_t limit) {
    std::vector<basic_network<A>> out;
    for (auto it = range.begin(); it != range.end() && out.size() < limit; ++it) {
        out.push_back(*it);
    }
    return out;
}

template <class A> void check_invariants(const basic_network<A>& n) {
    using network = basic_network<A>;
    using uint_type = typename A::uint_type;
    constexpr int bits = A::bits;
    const unsigned prefix = n.prefix_length();
    WEFT_FUZZ_CHECK(prefix <= static_cast<unsigned>(bits));

    char buf[network::max_string_length];
    const std::size_t len = n.format_to(buf);
    WEFT_FUZZ_CHECK(len <= sizeof buf);
    const std::string_view text(buf, len);
    WEFT_FUZZ_CHECK(network::parse(text, parse_mode::strict) == n);
    WEFT_FUZZ_CHECK(n.to_string() == text);
    WEFT_FUZZ_CHECK(fmt::format("{}", n) == text);

    const A first = n.network_address();
    const A last = n.broadcast_address();
    WEFT_FUZZ_CHECK(first <= last);
    WEFT_FUZZ_CHECK(n.contains(first) && n.contains(last));
    WEFT_FUZZ_CHECK(network(first, prefix) == n && network(last, prefix) == n);
    WEFT_FUZZ_CHECK(n.num_addresses().host_bits() == static_cast<unsigned>(bits) - prefix);
    if (n.num_addresses().fits_uint128()) {
        WEFT_FUZZ_CHECK(n.num_addresses().value() ==
                        uint128{last.to_uint()} - uint128{first.to_uint()} + 1);
    }
    WEFT_FUZZ_CHECK((n.netmask().to_uint() & n.hostmask().to_uint()) == 0);
    WEFT_FUZZ_CHECK(static_cast<uint_type>(n.netmask().to_uint() | n.hostmask().to_uint()) ==
                    static_cast<uint_type>(~uint_type{0}));
    WEFT_FUZZ_CHECK(detail::prefix_from_netmask<A>(n.netmask().to_uint()) ==
                    static_cast<int>(prefix));

    WEFT_FUZZ_CHECK(first <= n.first_host() && n.first_host() <= n.last_host() &&
                    n.last_host() <= last);
    int seen = 0;
    for (const A host : n.hosts()) {
        WEFT_FUZZ_CHECK(n.contains(host));
        WEFT_FUZZ_CHECK(seen != 0 || host == n.first_host());
        if (++seen == 3) {
            break;
        }
    }
    WEFT_FUZZ_CHECK(seen > 0);
    WEFT_FUZZ_CHECK(*n.addresses().begin() == first && n.addresses().back() == last);

    // subnets(prefix) is the network itself; subnets(p).size() is 2^(p - prefix).
    const auto self = n.subnets(prefix);
    WEFT_FUZZ_CHECK(self.has_value());
    WEFT_FUZZ_CHECK(self->size().host_bits() == 0);
    const auto only = first_subnets(*self, 2);
    WEFT_FUZZ_CHECK(only.size() == 1 && only[0] == n);
    for (const unsigned p : {prefix + 8, static_cast<unsigned>(bits)}) {
        if (p > static_cast<unsigned>(bits)) {
            continue;
        }
        const auto range = n.subnets(p);
        WEFT_FUZZ_CHECK(range.has_value());
        WEFT_FUZZ_CHECK(range->size().host_bits() == p - prefix);
        for (const auto& s : first_subnets(*range, 3)) {
            WEFT_FUZZ_CHECK(s.prefix_length() == p && s.subnet_of(n));
        }
    }

    if (prefix == static_cast<unsigned>(bits)) {
        WEFT_FUZZ_CHECK(!n.subnets(prefix + 1).has_value());
        WEFT_FUZZ_CHECK(n.num_addresses() == 1);
    } else {
        const auto halves_range = n.subnets(prefix + 1);
        WEFT_FUZZ_CHECK(halves_range.has_value());
        WEFT_FUZZ_CHECK(halves_range->size().host_bits() == 1);
        const auto halves = first_subnets(*halves_range, 3);
        WEFT_FUZZ_CHECK(halves.size() == 2);
        for (const auto& h : halves) {
            WEFT_FUZZ_CHECK(h.prefix_length() == prefix + 1);
            WEFT_FUZZ_CHECK(h.subnet_of(n) && n.supernet_of(h) && n.contains(h));
            WEFT_FUZZ_CHECK(!h.contains(n) && h.overlaps(n) && n.overlaps(h));
            WEFT_FUZZ_CHECK(h.supernet() == n && h.supernet(prefix) == n);
        }
        WEFT_FUZZ_CHECK(halves[0].network_address() == first);
        WEFT_FUZZ_CHECK(halves[1].broadcast_address() == last);
        WEFT_FUZZ_CHECK(halves[0].broadcast_address().to_uint() + 1 ==
                        halves[1].network_address().to_uint());
        WEFT_FUZZ_CHECK(!halves[0].overlaps(halves[1]) && halves[0] < halves[1]);
        WEFT_FUZZ_CHECK(collapse(std::span<const network>(halves)) == std::vector<network>{n});
        const auto rest = address_exclude(n, halves[0]);
        WEFT_FUZZ_CHECK(rest.has_value() && *rest == std::vector<network>{halves[1]});
        WEFT_FUZZ_CHECK(!address_exclude(halves[0], n).has_value());
        WEFT_FUZZ_CHECK(!n.supernet(prefix + 1).has_value());
    }

    const network up = n.supernet();
    WEFT_FUZZ_CHECK(up.contains(n) && n.subnet_of(up));
    WEFT_FUZZ_CHECK(up.prefix_length() == (prefix == 0 ? 0 : prefix - 1));
    WEFT_FUZZ_CHECK(n.supernet(0) == network{} && network{}.contains(n));
    WEFT_FUZZ_CHECK(n.supernet(prefix) == n);

    const std::vector<network> just_n{n};
    WEFT_FUZZ_CHECK(collapse(std::span<const network>(just_n)) == just_n);
    const std::vector<network> twice{n, n};
    WEFT_FUZZ_CHECK(collapse(std::span<const network>(twice)) == just_n);
    WEFT_FUZZ_CHECK(summarize_range(first, last) == just_n);
    const auto none = address_exclude(n, n);
    WEFT_FUZZ_CHECK(none.has_value() && none->empty());

    (void)(n.is_private() + n.is_global() + n.is_reserved() + n.is_loopback() + n.is_multicast() +
           n.is_link_local() + n.is_documentation() + n.is_unspecified());
}

template <class A> void check_interface(const basic_interface<A>& i) {
    using interface = basic_interface<A>;
    char buf[interface::max_string_length];
    const std::size_t len = i.format_to(buf);
    WEFT_FUZZ_CHECK(len <= sizeof buf);
    const std::string_view text(buf, len);
    WEFT_FUZZ_CHECK(interface::parse(text) == i);
    WEFT_FUZZ_CHECK(i.to_string() == text);
    WEFT_FUZZ_CHECK(fmt::format("{}", i) == text);
    WEFT_FUZZ_CHECK(i.network().contains(i.address()));
    WEFT_FUZZ_CHECK(i.network().prefix_length() == i.prefix_length());
}

template <class A> void check_family(std::string_view text) {
    using network = basic_network<A>;
    const auto lenient = network::parse(text, parse_mode::lenient);
    const auto strict = network::parse(text, parse_mode::strict);
    const auto iface = basic_interface<A>::parse(text);

    if (!lenient) {
        check_error(lenient.error(), text);
        WEFT_FUZZ_CHECK(!strict && strict.error() == lenient.error());
    } else if (strict) {
        WEFT_FUZZ_CHECK(*strict == *lenient);
    } else {
        check_error(strict.error(), text);
        WEFT_FUZZ_CHECK(strict.error().code == parse_errc::host_bits_set);
        WEFT_FUZZ_CHECK(strict.error().offset == text.find('/'));
    }

    if (!iface) {
        check_error(iface.error(), text);
        WEFT_FUZZ_CHECK(!lenient);
    } else {
        check_interface(*iface);
        if (lenient) {
            WEFT_FUZZ_CHECK(iface->network() == *lenient);
            WEFT_FUZZ_CHECK(iface->address() == lenient->network_address() || !strict.has_value());
        } else {
            // Only an IPv6 zone separates an interface from a network.
            if constexpr (std::is_same_v<A, ipv6_address>) {
                WEFT_FUZZ_CHECK(iface->address().has_zone());
                WEFT_FUZZ_CHECK(lenient.error().code == parse_errc::zone_not_allowed);
            } else {
                WEFT_FUZZ_CHECK(false);
            }
        }
    }

    if (lenient) {
        check_invariants(*lenient);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_family<ipv4_address>(text);
    check_family<ipv6_address>(text);
    return 0;
}
