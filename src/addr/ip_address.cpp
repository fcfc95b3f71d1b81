#include <weft/addr/ip_address.hpp>

namespace weft::addr {

std::size_t ip_address::format_to(std::span<char> out) const noexcept {
    if (is_v4()) {
        return v4_.format_to(out);
    }
    return is_v6() ? v6_.format_to(out) : 0;
}

std::string ip_address::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

std::string ip_address::exploded() const {
    return is_v4() ? v4_.to_string() : is_v6() ? v6_.exploded() : std::string();
}

std::string ip_address::reverse_pointer() const {
    return is_v4() ? v4_.reverse_pointer() : is_v6() ? v6_.reverse_pointer() : std::string();
}

bool ip_address::is_reserved() const noexcept {
    return is_v4() ? v4_.is_reserved() : is_v6() && v6_.is_reserved();
}

bool ip_address::is_private() const noexcept {
    return is_v4() ? v4_.is_private() : is_v6() && v6_.is_private();
}

bool ip_address::is_global() const noexcept {
    return is_v4() ? v4_.is_global() : is_v6() && v6_.is_global();
}

} // namespace weft::addr
