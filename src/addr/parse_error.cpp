#include <weft/addr/network.hpp>
#include <weft/addr/parse_error.hpp>

#include <fmt/format.h>

namespace weft::addr {

std::string_view describe(parse_errc code) noexcept {
    switch (code) {
    case parse_errc::empty:
        return "empty input";
    case parse_errc::invalid_character:
        return "unexpected character";
    case parse_errc::leading_zero:
        return "leading zero";
    case parse_errc::octet_overflow:
        return "IPv4 field has value >255";
    case parse_errc::too_few_parts:
        return "too few fields";
    case parse_errc::too_many_parts:
        return "too many fields";
    case parse_errc::empty_part:
        return "empty field";
    case parse_errc::part_too_long:
        return "field has too many digits";
    case parse_errc::octet_too_short:
        return "each octet needs two hex digits (01, not 1)";
    case parse_errc::group_too_short:
        return "each dotted group needs four hex digits (0123, not 123)";
    case parse_errc::multiple_double_colon:
        return "multiple \"::\"";
    case parse_errc::bad_double_colon:
        return "lone ':' at the start or end (use \"::\")";
    case parse_errc::misplaced_ipv4:
        return "embedded IPv4 address must be the last 32 bits";
    case parse_errc::empty_zone:
        return "zone must be a non-empty string";
    case parse_errc::zone_too_long:
        return "zone is longer than 16 characters";
    case parse_errc::zone_not_allowed:
        return "a zone is not allowed here";
    case parse_errc::missing_prefix:
        return "missing prefix length after '/'";
    case parse_errc::prefix_out_of_range:
        return "prefix length out of range";
    case parse_errc::invalid_netmask:
        return "netmask is not contiguous ones";
    case parse_errc::host_bits_set:
        return "host bits set";
    case parse_errc::mixed_separators:
        return "mixed separators";
    case parse_errc::wrong_length:
        return "wrong number of hex digits";
    case parse_errc::value_out_of_range:
        return "value out of range";
    case parse_errc::port_out_of_range:
        return "port must be 0..65535";
    case parse_errc::missing_bracket:
        return "missing ']'";
    case parse_errc::missing_port:
        return "missing \":port\"";
    case parse_errc::bad_range:
        return "range start is after its end";
    case parse_errc::trailing_characters:
        return "unexpected text after the value";
    }
    return "invalid input";
}

void append_quoted(std::string& out, std::string_view input) {
    // A person reads this on one line of a terminal: a huge token (a 100 kB argument, a
    // line of garbage) is shown by its start and its length; offsets still count the whole.
    const bool cut = input.size() > quoted_prefix_length;
    const std::string_view shown = cut ? input.substr(0, quoted_prefix_length) : input;
    out.push_back('"');
    for (const char c : shown) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out.push_back(c);
        }
    }
    if (cut) {
        out += fmt::format("...\" ({} bytes)", input.size());
    } else {
        out.push_back('"');
    }
}

std::string quoted(std::string_view input) {
    std::string out;
    append_quoted(out, input);
    return out;
}

namespace {

std::string suggested_network(std::string_view input) {
    if (input.find(':') != std::string_view::npos) {
        if (auto i = ipv6_interface::parse(input)) {
            return i->network().to_string();
        }
    } else if (auto i = ipv4_interface::parse(input)) {
        return i->network().to_string();
    }
    return {};
}

} // namespace

std::string parse_error::message(std::string_view input) const {
    std::string out;
    append_quoted(out, input);
    out += ": ";
    out += describe(code);
    if (code == parse_errc::host_bits_set) {
        if (auto net = suggested_network(input); !net.empty()) {
            out += fmt::format(" (did you mean {}?)", net);
            return out;
        }
    }
    out += fmt::format(" (at offset {})", offset);
    return out;
}

} // namespace weft::addr
