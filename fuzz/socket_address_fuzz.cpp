// Fuzzes socket_address::parse: no crash, parse(format(x)) == x, and the sockaddr
// round trip keeps every numeric-zone address intact.
#include <weft/addr/socket_address.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto s = weft::addr::socket_address::parse(text);
    if (!s) {
        return 0;
    }
    char buf[weft::addr::socket_address::max_string_length];
    const std::size_t n = s->format_to(buf);
    if (n > sizeof buf || weft::addr::socket_address::parse(std::string_view(buf, n)) != *s) {
        __builtin_trap();
    }
    sockaddr_storage ss{};
    const socklen_t len = s->to_sockaddr(ss);
    const auto back =
        weft::addr::socket_address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    const auto zone = s->address().is_v6() ? s->address().v6().zone() : std::string_view();
    const bool numeric_zone =
        zone.empty() || (zone.find_first_not_of("0123456789") == zone.npos && zone[0] != '0');
    if (numeric_zone && zone.size() < 10 && back != *s) {
        __builtin_trap();
    }
    return 0;
}
