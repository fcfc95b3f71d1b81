#include <weft/addr/asn.hpp>

#include <charconv>

namespace weft::addr {

namespace {

// std::to_chars never allocates; the buffer is large enough by max_string_length.
char* write_decimal(char* first, char* last, std::uint32_t value) noexcept {
    return std::to_chars(first, last, value).ptr;
}

} // namespace

std::size_t asn::format_to(std::span<char> out, asn_format style) const noexcept {
    char* const first = out.data();
    char* const last = first + out.size();
    // RFC 5396 §1: asdot writes numbers below 65536 in asplain, asdot+ never does.
    const bool dotted =
        style == asn_format::asdot_plus || (style == asn_format::asdot && value_ > 0xffff);
    if (!dotted) {
        return static_cast<std::size_t>(write_decimal(first, last, value_) - first);
    }
    char* p = write_decimal(first, last, high());
    *p++ = '.';
    p = write_decimal(p, last, low());
    return static_cast<std::size_t>(p - first);
}

std::string asn::to_string(asn_format style) const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf, style));
}

} // namespace weft::addr
