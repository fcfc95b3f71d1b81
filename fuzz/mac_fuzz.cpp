// Fuzzes the MAC parsers: any text either fails to parse or round-trips through every
// style and letter case (parse(format(x)) == x), and the three parsers agree.
#include <weft/addr/mac_address.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using weft::addr::eui64;
using weft::addr::mac_address;
using weft::addr::mac_case;
using weft::addr::mac_format;

constexpr mac_format styles[] = {mac_format::colon, mac_format::hyphen, mac_format::dot,
                                 mac_format::bare};
constexpr mac_case cases[] = {mac_case::lower, mac_case::upper};

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

template <class T> void round_trip(T value) {
    for (const auto style : styles) {
        for (const auto letters : cases) {
            char buf[T::max_string_length];
            const std::size_t n = value.format_to(buf, style, letters);
            check(n == T::string_length(style));
            const std::string_view text(buf, n);
            const auto again = T::parse(text);
            check(again.has_value() && *again == value);
            const auto either = weft::addr::parse_mac(text);
            check(either.has_value() && *either == weft::addr::any_mac(value));
            char again_buf[weft::addr::any_mac::max_string_length];
            check(either.has_value() &&
                  std::string_view(again_buf, either->format_to(again_buf, style, letters)) ==
                      text);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto mac = mac_address::parse(text);
    const auto eui = eui64::parse(text);
    const auto either = weft::addr::parse_mac(text);
    // At most one fixed-length parser accepts, and parse_mac accepts exactly when one does.
    check(!(mac.has_value() && eui.has_value()));
    check(either.has_value() == (mac.has_value() || eui.has_value()));
    if (mac) {
        check(either->as_mac_address() == *mac);
        round_trip(*mac);
        // RFC 4291 Appendix A: the interface identifier maps back to the address.
        check(eui64::from_modified_interface_id(mac->modified_interface_id()).to_mac_address() ==
              *mac);
    }
    if (eui) {
        check(either->as_eui64() == *eui);
        round_trip(*eui);
    }
    // A rejection points into the input, or just past its end.
    check(mac.has_value() || mac.error().offset <= size);
    check(eui.has_value() || eui.error().offset <= size);
    check(either.has_value() || either.error().offset <= size);
    return 0;
}
