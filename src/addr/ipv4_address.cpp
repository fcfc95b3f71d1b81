#include <weft/addr/ipv4_address.hpp>

#include <cstring>

namespace weft::addr {

namespace {

// Writes 0..255 without leading zeros; the branchy form beats a table for three digits.
std::size_t put_octet(char* out, unsigned v) noexcept {
    if (v >= 100) {
        out[0] = static_cast<char>('0' + v / 100);
        out[1] = static_cast<char>('0' + (v / 10) % 10);
        out[2] = static_cast<char>('0' + v % 10);
        return 3;
    }
    if (v >= 10) {
        out[0] = static_cast<char>('0' + v / 10);
        out[1] = static_cast<char>('0' + v % 10);
        return 2;
    }
    out[0] = static_cast<char>('0' + v);
    return 1;
}

} // namespace

std::size_t ipv4_address::format_to(std::span<char> out) const noexcept {
    char* p = out.data();
    std::size_t n = put_octet(p, value_ >> 24);
    p[n++] = '.';
    n += put_octet(p + n, (value_ >> 16) & 0xff);
    p[n++] = '.';
    n += put_octet(p + n, (value_ >> 8) & 0xff);
    p[n++] = '.';
    n += put_octet(p + n, value_ & 0xff);
    return n;
}

std::size_t ipv4_address::reverse_pointer_to(std::span<char> out) const noexcept {
    char* p = out.data();
    std::size_t n = 0;
    for (int shift = 0; shift < 32; shift += 8) {
        n += put_octet(p + n, (value_ >> shift) & 0xff);
        p[n++] = '.';
    }
    constexpr std::string_view suffix = "in-addr.arpa";
    std::memcpy(p + n, suffix.data(), suffix.size());
    return n + suffix.size();
}

std::string ipv4_address::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

std::string ipv4_address::reverse_pointer() const {
    char buf[max_reverse_pointer_length];
    return std::string(buf, reverse_pointer_to(buf));
}

} // namespace weft::addr
