#pragma once

#include <weft/addr/detail/text.hpp>
#include <weft/addr/parse_error.hpp>
#include <weft/expected.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::addr {

/// The IANA class of an AS number, from the "Special-Purpose AS Numbers" registry.
/// Every AS number is in exactly one class.
enum class asn_category : std::uint8_t {
    reserved,      ///< 0 (RFC 7607), 65535 and 4294967295 (RFC 7300)
    as_trans,      ///< 23456, AS_TRANS, the 2-octet stand-in for a 4-octet AS (RFC 6793)
    documentation, ///< 64496..64511 and 65536..65551 (RFC 5398)
    private_use,   ///< 64512..65534 and 4200000000..4294967294 (RFC 6996)
    public_use,    ///< every other number: assignable by the RIRs
};

/// Names `c` in one word: "reserved", "as_trans", "documentation", "private" or "public".
constexpr std::string_view to_string(asn_category c) noexcept {
    switch (c) {
    case asn_category::reserved:
        return "reserved";
    case asn_category::as_trans:
        return "as_trans";
    case asn_category::documentation:
        return "documentation";
    case asn_category::private_use:
        return "private";
    case asn_category::public_use:
        return "public";
    }
    return "unknown";
}

/// The text forms of an AS number (RFC 5396 §1).
enum class asn_format : std::uint8_t {
    asplain,    ///< decimal: "65536"
    asdot,      ///< asplain below 65536, otherwise high.low: "64512", "1.0"
    asdot_plus, ///< always high.low: "0.64512", "1.0"
};

namespace detail {

/// Parses the body of an AS number after any "AS" prefix: asplain "65536" or asdot
/// "1.0" (RFC 5396). `base` offsets the error positions.
constexpr parse_outcome<std::uint32_t> parse_asn(std::string_view s, std::size_t base) noexcept {
    using out = std::uint32_t;
    if (s.empty()) {
        return failure<out>(parse_errc::empty, base);
    }
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos) {
        const auto plain = parse_decimal(s, base, 0xffffffffu, parse_errc::value_out_of_range);
        if (!plain.ok) {
            return failure<out>(plain.error.code, plain.error.offset);
        }
        return success(static_cast<out>(plain.value));
    }
    // asdot: exactly two halves, each an asplain value of at most 65535 (RFC 5396 §1).
    const std::string_view high_text = s.substr(0, dot);
    if (high_text.empty()) {
        return failure<out>(parse_errc::empty_part, base);
    }
    const auto high = parse_decimal(high_text, base, 0xffff, parse_errc::value_out_of_range);
    if (!high.ok) {
        return failure<out>(high.error.code, high.error.offset);
    }
    const std::size_t low_start = dot + 1;
    const std::size_t second_dot = s.find('.', low_start);
    const std::string_view low_text = s.substr(
        low_start, second_dot == std::string_view::npos ? s.size() : second_dot - low_start);
    if (low_text.empty()) {
        return failure<out>(parse_errc::empty_part, base + low_start);
    }
    const auto low =
        parse_decimal(low_text, base + low_start, 0xffff, parse_errc::value_out_of_range);
    if (!low.ok) {
        return failure<out>(low.error.code, low.error.offset);
    }
    if (second_dot != std::string_view::npos) {
        return failure<out>(parse_errc::too_many_parts, base + second_dot);
    }
    return success(static_cast<out>((high.value << 16) | low.value));
}

} // namespace detail

/// An autonomous system number (RFC 1930), 32 bits wide since RFC 6793: trivially copyable,
/// four bytes, no allocation.
///
/// The default value is AS0, which is reserved (RFC 7607). Ordering is numeric.
class asn {
  public:
    using uint_type = std::uint32_t;
    /// Length of the longest text form, the asdot "65535.65535" (asplain is at most
    /// "4294967295", 10 characters).
    static constexpr std::size_t max_string_length = 11;

    constexpr asn() noexcept = default;
    /// The AS whose number is `value`.
    constexpr explicit asn(uint_type value) noexcept : value_(value) {}

    static constexpr asn from_uint(uint_type value) noexcept { return asn(value); }
    /// The AS written `high.low` in asdot (RFC 5396): high * 65536 + low.
    static constexpr asn from_asdot(std::uint16_t high, std::uint16_t low) noexcept {
        return asn((uint_type{high} << 16) | low);
    }

    /// Parses an AS number in any of the RFC 5396 forms, with an optional "AS" prefix in any
    /// case ("AS", "as", "As", "aS"):
    /// - asplain: "65536", "AS65536"; at most 4294967295, else value_out_of_range (offset of
    ///   the number);
    /// - asdot / asdot+: "1.0", "AS0.64512"; each half at most 65535, else value_out_of_range
    ///   at the offset of that half; an empty half is empty_part, a third part too_many_parts.
    ///
    /// Leading zeros are rejected ("0100", "1.00": leading_zero) but "0" is accepted. Signs,
    /// spaces and any other character are invalid_character at their offset; "" and a bare
    /// "AS" are empty (offset 0 and 2).
    static constexpr expected<asn, parse_error> parse(std::string_view text) noexcept {
        std::size_t start = 0;
        if (text.size() >= 2 && (text[0] == 'A' || text[0] == 'a') &&
            (text[1] == 'S' || text[1] == 's')) {
            start = 2;
        }
        const auto r = detail::parse_asn(text.substr(start), start);
        if (!r.ok) {
            return unexpected(r.error);
        }
        return asn(r.value);
    }

    /// The AS number.
    [[nodiscard]] constexpr uint_type to_uint() const noexcept { return value_; }
    /// The high half in asdot: @returns `to_uint() >> 16`.
    [[nodiscard]] constexpr std::uint16_t high() const noexcept {
        return static_cast<std::uint16_t>(value_ >> 16);
    }
    /// The low half in asdot: @returns `to_uint() & 0xffff`.
    [[nodiscard]] constexpr std::uint16_t low() const noexcept {
        return static_cast<std::uint16_t>(value_);
    }
    /// The width a BGP speaker needs to carry this AS (RFC 6793): 16 if it fits in a
    /// 2-octet AS (at most 65535), else 32.
    [[nodiscard]] constexpr int bits() const noexcept { return value_ <= 0xffff ? 16 : 32; }

    /// Writes the AS number in `style` into `out` (at least max_string_length long), without
    /// an "AS" prefix. @returns the number of characters written.
    std::size_t format_to(std::span<char> out,
                          asn_format style = asn_format::asplain) const noexcept;
    /// The AS number in `style` ("65536", "1.0"); the only call here that allocates.
    [[nodiscard]] std::string to_string(asn_format style = asn_format::asplain) const;

    /// The IANA special-purpose class of this number (see asn_category).
    [[nodiscard]] constexpr asn_category category() const noexcept {
        if (value_ == 0 || value_ == 65535 || value_ == 0xffffffffu) {
            return asn_category::reserved; // RFC 7607 (AS0), RFC 7300 (last 2- and 4-octet AS)
        }
        if (value_ == 23456) {
            return asn_category::as_trans; // RFC 6793
        }
        if ((value_ >= 64496 && value_ <= 64511) || (value_ >= 65536 && value_ <= 65551)) {
            return asn_category::documentation; // RFC 5398
        }
        if ((value_ >= 64512 && value_ <= 65534) || value_ >= 4200000000u) {
            return asn_category::private_use; // RFC 6996
        }
        return asn_category::public_use;
    }
    /// AS0 (RFC 7607), 65535 or 4294967295 (RFC 7300). AS_TRANS is not included: see
    /// is_as_trans().
    [[nodiscard]] constexpr bool is_reserved() const noexcept {
        return category() == asn_category::reserved;
    }
    /// 23456, AS_TRANS (RFC 6793).
    [[nodiscard]] constexpr bool is_as_trans() const noexcept { return value_ == 23456; }
    /// 64496..64511 or 65536..65551, for use in documentation (RFC 5398).
    [[nodiscard]] constexpr bool is_documentation() const noexcept {
        return category() == asn_category::documentation;
    }
    /// 64512..65534 or 4200000000..4294967294, private use (RFC 6996).
    [[nodiscard]] constexpr bool is_private() const noexcept {
        return category() == asn_category::private_use;
    }
    /// None of the special-purpose classes above: a number the RIRs may assign.
    [[nodiscard]] constexpr bool is_public() const noexcept {
        return category() == asn_category::public_use;
    }

    friend constexpr auto operator<=>(const asn&, const asn&) = default;

  private:
    uint_type value_ = 0;
};

} // namespace weft::addr

template <> struct std::hash<weft::addr::asn> {
    std::size_t operator()(weft::addr::asn a) const noexcept {
        return std::hash<std::uint32_t>{}(a.to_uint());
    }
};

/// Formats an asn in asplain ("65536"); string_view format specs (width, fill) apply.
template <> struct fmt::formatter<weft::addr::asn> : fmt::formatter<std::string_view> {
    template <class Ctx> auto format(weft::addr::asn a, Ctx& ctx) const {
        char buf[weft::addr::asn::max_string_length];
        return fmt::formatter<std::string_view>::format(std::string_view(buf, a.format_to(buf)),
                                                        ctx);
    }
};
