#include <weft/addr/mac_address.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace weft::addr {

namespace detail {

std::size_t format_mac(std::span<const std::uint8_t> bytes, std::span<char> out, mac_format style,
                       mac_case letters) noexcept {
    const std::size_t length = mac_string_length(bytes.size(), style);
    if (out.size() < length) {
        return 0;
    }
    const char* digits = letters == mac_case::upper ? upper_hex_digits : lower_hex_digits;
    const char sep = style == mac_format::hyphen ? '-' : style == mac_format::dot ? '.' : ':';
    // Octets between separators: one for ':'/'-', two for Cisco's dotted groups of four
    // digits, all of them for the bare form.
    const std::size_t per_group = style == mac_format::dot    ? 2
                                  : style == mac_format::bare ? bytes.size()
                                                              : 1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i != 0 && i % per_group == 0) {
            out[n++] = sep;
        }
        out[n++] = digits[bytes[i] >> 4];
        out[n++] = digits[bytes[i] & 0xf];
    }
    return n;
}

} // namespace detail

namespace {

std::size_t format_oui(std::span<const std::uint8_t> bytes, std::span<char> out, mac_format style,
                       mac_case letters) noexcept {
    // The OUI is the first three octets; the dotted form has no sensible grouping for an odd
    // number of octets, so it is written like the colon form.
    if (style == mac_format::dot) {
        style = mac_format::colon;
    }
    return detail::format_mac(bytes.first(3), out, style, letters);
}

template <class T> std::string format_string(const T& value, mac_format style, mac_case letters) {
    char buf[T::max_string_length];
    return {buf, value.format_to(buf, style, letters)};
}

template <class T>
std::string format_oui_string(const T& value, mac_format style, mac_case letters) {
    char buf[T::oui_string_length];
    return {buf, value.oui_format_to(buf, style, letters)};
}

} // namespace

std::size_t mac_address::format_to(std::span<char> out, mac_format style,
                                   mac_case letters) const noexcept {
    return detail::format_mac(bytes_, out, style, letters);
}

std::string mac_address::to_string(mac_format style, mac_case letters) const {
    return format_string(*this, style, letters);
}

std::size_t mac_address::oui_format_to(std::span<char> out, mac_format style,
                                       mac_case letters) const noexcept {
    return format_oui(bytes_, out, style, letters);
}

std::string mac_address::oui_to_string(mac_format style, mac_case letters) const {
    return format_oui_string(*this, style, letters);
}

std::size_t eui64::format_to(std::span<char> out, mac_format style,
                             mac_case letters) const noexcept {
    return detail::format_mac(bytes_, out, style, letters);
}

std::string eui64::to_string(mac_format style, mac_case letters) const {
    return format_string(*this, style, letters);
}

std::size_t eui64::oui_format_to(std::span<char> out, mac_format style,
                                 mac_case letters) const noexcept {
    return format_oui(bytes_, out, style, letters);
}

std::string eui64::oui_to_string(mac_format style, mac_case letters) const {
    return format_oui_string(*this, style, letters);
}

} // namespace weft::addr
