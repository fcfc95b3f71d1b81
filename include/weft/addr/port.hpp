#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/expected.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::addr {

/// The IANA range a port number falls in (RFC 6335 §6).
enum class port_class : std::uint8_t {
    system,  ///< 0..1023, the System Ports (assigned by IETF review)
    user,    ///< 1024..49151, the User Ports (assigned by IANA)
    dynamic, ///< 49152..65535, the Dynamic (private, ephemeral) Ports; never assigned
};

/// Names `c` in one word: "system", "user" or "dynamic".
constexpr std::string_view to_string(port_class c) noexcept {
    switch (c) {
    case port_class::system:
        return "system";
    case port_class::user:
        return "user";
    case port_class::dynamic:
        return "dynamic";
    }
    return "unknown";
}

/// A TCP, UDP, SCTP or DCCP port number (RFC 6335): 16 bits, trivially copyable.
///
/// The default value is port 0, which means "any port" to bind(2). Ordering is numeric.
class port {
  public:
    using uint_type = std::uint16_t;
    /// Length of the longest text form, "65535".
    static constexpr std::size_t max_string_length = 5;

    constexpr port() noexcept = default;
    /// The port whose number is `value`.
    constexpr explicit port(uint_type value) noexcept : value_(value) {}

    static constexpr port from_uint(uint_type value) noexcept { return port(value); }

    /// Parses a decimal port number, 0..65535: "443". Numbers above 65535 are
    /// port_out_of_range (offset 0); leading zeros ("080") are leading_zero; signs, spaces and
    /// other characters are invalid_character at their offset; "" is empty.
    static constexpr expected<port, parse_error> parse(std::string_view text) noexcept {
        const auto r = detail::parse_decimal(text, 0, 0xffff, parse_errc::port_out_of_range);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return port(static_cast<uint_type>(r.value));
    }

    /// The port number.
    [[nodiscard]] constexpr uint_type to_uint() const noexcept { return value_; }

    /// Writes the decimal number into `out` (at least max_string_length long).
    /// @returns the number of characters written.
    std::size_t format_to(std::span<char> out) const noexcept;
    /// The decimal number ("443"); the only call here that allocates.
    [[nodiscard]] std::string to_string() const;

    /// The RFC 6335 §6 range this port is in.
    [[nodiscard]] constexpr port_class category() const noexcept {
        if (value_ <= 1023) {
            return port_class::system;
        }
        return value_ <= 49151 ? port_class::user : port_class::dynamic;
    }
    /// 0..1023 (RFC 6335 §6).
    [[nodiscard]] constexpr bool is_system() const noexcept { return value_ <= 1023; }
    /// 1024..49151 (RFC 6335 §6).
    [[nodiscard]] constexpr bool is_user() const noexcept {
        return value_ >= 1024 && value_ <= 49151;
    }
    /// 49152..65535 (RFC 6335 §6).
    [[nodiscard]] constexpr bool is_dynamic() const noexcept { return value_ >= 49152; }

    friend constexpr auto operator<=>(const port&, const port&) = default;

  private:
    uint_type value_ = 0;
};

/// An inclusive range of ports, `first()..last()` with first() <= last(): four bytes,
/// trivially copyable.
///
/// The default value is the single port 0. Ordering is by first(), then last().
class port_range {
  public:
    /// Length of the longest text form, "65535-65535".
    static constexpr std::size_t max_string_length = 11;

    /// Iterates the ports of a range in increasing order. A forward iterator whose
    /// `operator*` returns a port by value (like std::ranges::iota_view).
    class iterator {
      public:
        using value_type = port;
        using difference_type = std::ptrdiff_t;
        using iterator_concept = std::forward_iterator_tag;
        using iterator_category = std::input_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr port operator*() const noexcept {
            return port(static_cast<port::uint_type>(next_));
        }
        constexpr iterator& operator++() noexcept {
            ++next_;
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++next_;
            return old;
        }
        friend constexpr bool operator==(iterator, iterator) noexcept = default;

      private:
        friend class port_range;
        constexpr explicit iterator(std::uint32_t next) noexcept : next_(next) {}
        // One past 65535 is 65536, so the position is wider than a port.
        std::uint32_t next_ = 0;
    };

    constexpr port_range() noexcept = default;
    /// The range holding only `p`.
    constexpr explicit port_range(port p) noexcept : first_(p), last_(p) {}

    /// The range first..last, or nullopt if first > last.
    static constexpr std::optional<port_range> make(port first, port last) noexcept {
        if (first > last) {
            return std::nullopt;
        }
        port_range r;
        r.first_ = first;
        r.last_ = last;
        return r;
    }

    /// Parses "first-last" ("8000-8080") or a single port ("80", the range 80-80). Each bound
    /// is parsed as by port::parse, with error offsets into `text`. An empty bound ("-80",
    /// "80-") is empty_part; a second '-' is too_many_parts; first > last ("8080-8000") is
    /// bad_range at the offset of the '-'. No spaces are allowed around the '-'.
    static constexpr expected<port_range, parse_error> parse(std::string_view text) noexcept {
        using detail::parse_decimal;
        const std::size_t dash = text.find('-');
        const std::string_view first_text = text.substr(0, dash);
        if (first_text.empty() && dash != std::string_view::npos) {
            return unexpected(parse_error{parse_errc::empty_part, 0});
        }
        const auto first = parse_decimal(first_text, 0, 0xffff, parse_errc::port_out_of_range);
        if (!first.ok) {
            return unexpected(first.error);
        }
        const auto p = port(static_cast<port::uint_type>(first.value));
        if (dash == std::string_view::npos) {
            return port_range(p);
        }
        const std::size_t start = dash + 1;
        const std::size_t second_dash = text.find('-', start);
        const std::string_view last_text = text.substr(
            start, second_dash == std::string_view::npos ? text.size() : second_dash - start);
        if (last_text.empty()) {
            return unexpected(
                parse_error{parse_errc::empty_part, static_cast<std::uint32_t>(start)});
        }
        const auto last = parse_decimal(last_text, start, 0xffff, parse_errc::port_out_of_range);
        if (!last.ok) {
            return unexpected(last.error);
        }
        if (second_dash != std::string_view::npos) {
            return unexpected(
                parse_error{parse_errc::too_many_parts, static_cast<std::uint32_t>(second_dash)});
        }
        const auto r = make(p, port(static_cast<port::uint_type>(last.value)));
        if (!r) {
            return unexpected(parse_error{parse_errc::bad_range, static_cast<std::uint32_t>(dash)});
        }
        return *r;
    }

    /// The lowest port in the range.
    [[nodiscard]] constexpr port first() const noexcept { return first_; }
    /// The highest port in the range.
    [[nodiscard]] constexpr port last() const noexcept { return last_; }
    /// @returns `first() <= p && p <= last()`.
    [[nodiscard]] constexpr bool contains(port p) const noexcept {
        return first_ <= p && p <= last_;
    }
    /// @returns `last() - first() + 1`: 1..65536, so wider than a port.
    [[nodiscard]] constexpr std::uint32_t size() const noexcept {
        return std::uint32_t{last_.to_uint()} - first_.to_uint() + 1;
    }

    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(first_.to_uint()); }
    [[nodiscard]] constexpr iterator end() const noexcept {
        return iterator(std::uint32_t{last_.to_uint()} + 1);
    }

    /// Writes "first-last" into `out` (at least max_string_length long), or just "first" when
    /// the range holds one port, so that parse(format) round-trips.
    /// @returns the number of characters written.
    std::size_t format_to(std::span<char> out) const noexcept;
    /// The text form ("8000-8080", "80"); the only call here that allocates.
    [[nodiscard]] std::string to_string() const;

    friend constexpr auto operator<=>(const port_range&, const port_range&) = default;

  private:
    port first_;
    port last_;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::port> {
    std::size_t operator()(weft::addr::port p) const noexcept {
        return std::hash<std::uint16_t>{}(p.to_uint());
    }
};

template <> struct std::hash<weft::addr::port_range> {
    std::size_t operator()(weft::addr::port_range r) const noexcept {
        return std::hash<std::uint32_t>{}((std::uint32_t{r.first().to_uint()} << 16) |
                                          r.last().to_uint());
    }
};

/// Formats a port as its decimal number; string_view format specs (width, fill) apply.
template <> struct fmt::formatter<weft::addr::port> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::port p, Ctx& ctx) const {
        char buf[weft::addr::port::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, p.format_to(buf)),
                                                        ctx);
    }
};

/// Formats a port_range as "first-last", or "first" for a single port.
template <> struct fmt::formatter<weft::addr::port_range> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::port_range r, Ctx& ctx) const {
        char buf[weft::addr::port_range::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, r.format_to(buf)),
                                                        ctx);
    }
};
