// Fuzzes Accept-Encoding negotiation: no crash; the chosen coding is one the caller offered
// (or identity); and the choice never depends on the case of the value.
#include <weft/http/compression.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    using weft::http::coding_set;
    using weft::http::content_coding;
    coding_set offered;
    if ((data[0] & 1) != 0) {
        offered.insert(content_coding::gzip);
    }
    if ((data[0] & 2) != 0) {
        offered.insert(content_coding::br);
    }
    if ((data[0] & 4) != 0) {
        offered.insert(content_coding::zstd);
    }
    const std::string_view value(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto chosen = weft::http::choose_coding(value, offered);
    if (chosen && *chosen != content_coding::identity) {
        check(offered.contains(*chosen));
    }
    std::string upper(value);
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    check(weft::http::choose_coding(upper, offered) == chosen);
    return 0;
}
