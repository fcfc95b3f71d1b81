// Fuzzes form/query decoding: no crash; an error points inside the input; a decoded form
// encodes to text that decodes to the same pairs (the encoder and decoder agree).
#include <weft/http/form.hpp>

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
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto form = weft::http::form_data::parse(text);
    if (!form) {
        check(form.error().offset < text.size());
        check(text[form.error().offset] == '%' || text[form.error().offset] == '\0');
        return 0;
    }
    for (const auto& [name, value] : form->entries()) {
        check(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos);
    }
    const auto again = weft::http::form_data::parse(form->encode());
    check(again.has_value());
    // Pairs with an empty name and value ("=") encode to "=" and decode back the same.
    check(again->entries() == form->entries());
    return 0;
}
