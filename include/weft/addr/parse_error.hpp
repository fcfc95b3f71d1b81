#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft::addr {

/// Why a piece of text is not a valid address, network, MAC, ASN or port.
enum class parse_errc : std::uint8_t {
    empty,                 ///< nothing to parse
    invalid_character,     ///< a character that cannot appear here
    leading_zero,          ///< IPv4 octet or number with a leading zero ("01")
    octet_overflow,        ///< IPv4 octet above 255
    too_few_parts,         ///< "1.2.3", "1:2:3", MAC with too few groups
    too_many_parts,        ///< "1.2.3.4.5", "1:2:3:4:5:6:7:8:9"
    empty_part,            ///< "1..2.3", "1:::2", "01::23:..."
    part_too_long,         ///< an IPv6 group of more than 4 hex digits, a long MAC group
    octet_too_short,       ///< a MAC octet of one hex digit ("1:23:45:67:89:ab")
    group_too_short,       ///< a dotted MAC group of fewer than four hex digits ("123.4567.89ab")
    multiple_double_colon, ///< "::1::"
    bad_double_colon,      ///< a lone ':' at the start or end of an IPv6 address
    misplaced_ipv4,        ///< an embedded IPv4 address that is not the last 32 bits
    empty_zone,            ///< "fe80::1%" with no zone after '%'
    zone_too_long,         ///< a zone of more than 16 characters (IFNAMSIZ)
    zone_not_allowed,      ///< a zone on an address that cannot have one
    missing_prefix,        ///< "10.0.0.0/" with nothing after '/'
    prefix_out_of_range,   ///< "/33" on IPv4, "/129" on IPv6
    invalid_netmask,       ///< a dotted mask whose ones are not contiguous
    host_bits_set,         ///< strict network parse of "192.168.100.1/26"
    mixed_separators,      ///< a MAC written with two kinds of separator
    wrong_length,          ///< a bare MAC that is neither 12 nor 16 hex digits
    value_out_of_range,    ///< an ASN above 4294967295, an asdot half above 65535
    port_out_of_range,     ///< a port above 65535
    missing_bracket,       ///< "[::1" with no closing ']'
    missing_port,          ///< "1.2.3.4" or "[::1]" where "host:port" is required
    bad_range,             ///< a range whose first value is above its last
    trailing_characters,   ///< a valid value followed by more text
};

/// How many bytes of a long input `quoted` shows before cutting it short.
inline constexpr std::size_t quoted_prefix_length = 60;

/// Appends `input` to `out` in double quotes, control bytes, quotes and non-ASCII bytes as
/// `\xNN`, so a terminal shows them and never interprets them. An input longer than
/// quoted_prefix_length bytes is cut there and followed by its length:
/// `"aaaa..." (100000 bytes)`.
void append_quoted(std::string& out, std::string_view input);
/// `input` quoted as append_quoted does.
[[nodiscard]] std::string quoted(std::string_view input);

/// Describes `code` in a few words ("leading zero", "too many groups").
std::string_view describe(parse_errc code) noexcept;

/// Where and why a parse failed. Trivially copyable; nothing allocates until `message`.
///
/// `offset` is the byte offset in the input at which the text went wrong (for
/// `host_bits_set`, the offset of the '/').
struct parse_error {
    parse_errc code{};
    std::uint32_t offset = 0;

    /// Renders the netip-style triple: `"1.2.3.04": leading zero (at offset 6)`.
    /// `input` must be the text that was parsed. For `host_bits_set` the message names
    /// the network the input should have been (`did you mean 192.168.100.0/26?`).
    [[nodiscard]] std::string message(std::string_view input) const;

    friend constexpr bool operator==(const parse_error&, const parse_error&) = default;
};

} // namespace weft::addr
