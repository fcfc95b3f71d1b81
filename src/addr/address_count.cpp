#include <weft/addr/uint128.hpp>

namespace weft::addr {

std::string address_count::to_string() const {
    if (!fits_uint128()) {
        return "340282366920938463463374607431768211456"; // 2^128, one more than uint128 holds
    }
    char buf[max_uint128_digits];
    return std::string(buf, format_decimal(value(), buf));
}

} // namespace weft::addr
