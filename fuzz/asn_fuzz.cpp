// Fuzzes asn::parse: anything that parses must format in every RFC 5396 style and parse back
// to the same number, and a canonical input must format back to itself.
#include <weft/addr/asn.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using weft::addr::asn;
    using weft::addr::asn_format;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto parsed = asn::parse(text);
    if (!parsed) {
        check(parsed.error().offset <= text.size());
        return 0;
    }
    const asn a = *parsed;
    for (const auto style : {asn_format::asplain, asn_format::asdot, asn_format::asdot_plus}) {
        char buf[asn::max_string_length];
        const std::size_t n = a.format_to(buf, style);
        check(n > 0 && n <= asn::max_string_length);
        const auto back = asn::parse(std::string_view(buf, n));
        check(back.has_value() && *back == a);
    }

    // Leading zeros are rejected, so an accepted input without a prefix is canonical: plain
    // text is the asplain form, dotted text the asdot+ form.
    const bool prefixed = text.size() >= 2 && (text[0] == 'A' || text[0] == 'a');
    const std::string_view body = prefixed ? text.substr(2) : text;
    char buf[asn::max_string_length];
    const auto style =
        body.find('.') == std::string_view::npos ? asn_format::asplain : asn_format::asdot_plus;
    check(std::string_view(buf, a.format_to(buf, style)) == body);

    check((a.bits() == 16) == (a.to_uint() <= 0xffff));
    check(!to_string(a.category()).empty());
    return 0;
}
