#include <weft/addr/port.hpp>

#include <charconv>

namespace weft::addr {

std::size_t port::format_to(std::span<char> out) const noexcept {
    // std::to_chars never allocates; max_string_length covers "65535".
    char* const first = out.data();
    return static_cast<std::size_t>(std::to_chars(first, first + out.size(), value_).ptr - first);
}

std::string port::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

std::size_t port_range::format_to(std::span<char> out) const noexcept {
    std::size_t n = first_.format_to(out);
    // A single port is written alone: "80" parses back to 80-80.
    if (first_ == last_) {
        return n;
    }
    out[n++] = '-';
    return n + last_.format_to(out.subspan(n));
}

std::string port_range::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

} // namespace weft::addr
