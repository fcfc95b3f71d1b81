// Fuzzes chunked_decoder: no crash; decoded data is always a view into the consumed input, so
// the body is never larger than the input; and the outcome (body, end, error) is the same
// whether the input arrives at once or in reads of varying sizes, with the unconsumed bytes
// kept at the front of the buffer as a connection does.
#include <weft/http/chunked_decoder.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using weft::http::chunked_decoder;
using weft::http::parse_error;
using weft::http::parser_limits;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

struct outcome {
    std::string body;
    std::size_t consumed = 0;
    std::size_t trailers = 0;
    bool done = false;
    std::optional<parse_error> error;
};

// Feeds `text` in reads whose sizes come from `steps` (all at once when empty).
outcome run(std::string_view text, std::string_view steps, parser_limits limits) {
    chunked_decoder d(limits);
    outcome out;
    std::string buffer;
    std::size_t fed = 0;
    std::size_t k = 0;
    while (true) {
        std::size_t take = text.size() - fed;
        if (!steps.empty()) {
            take = std::min<std::size_t>(
                take, 1 + static_cast<unsigned char>(steps[k++ % steps.size()]) % 16);
        }
        buffer.append(text.substr(fed, take));
        fed += take;
        std::string_view view = buffer;
        while (true) {
            const auto p = d.decode(view);
            if (!p) {
                out.error = p.error();
                check(p.error().offset <= text.size() + limits.max_header_bytes);
                return out;
            }
            check(p->consumed <= view.size());
            check(p->data.empty() ||
                  (p->data.data() >= view.data() &&
                   p->data.data() + p->data.size() <= view.data() + p->consumed));
            out.body.append(p->data);
            out.consumed += p->consumed;
            view.remove_prefix(p->consumed);
            if (p->done) {
                out.done = true;
                out.trailers = d.trailers().size();
                check(out.trailers <= limits.max_headers);
                return out;
            }
            if (p->consumed == 0 || view.empty()) {
                break;
            }
        }
        buffer.erase(0, buffer.size() - view.size());
        if (fed == text.size()) {
            return out;
        }
    }
}

void fuzz_with(std::string_view text, std::string_view steps, parser_limits limits) {
    const outcome whole = run(text, {}, limits);
    check(whole.body.size() <= text.size() && whole.consumed <= text.size());
    check(whole.body.size() <= limits.max_body);
    const outcome pieces = run(text, steps, limits);
    check(pieces.body == whole.body);
    check(pieces.done == whole.done);
    check(pieces.error == whole.error);
    if (whole.done) {
        check(pieces.consumed == whole.consumed && pieces.trailers == whole.trailers);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The read sizes come from the input itself, so the fuzzer explores the split points too.
    fuzz_with(text, text.substr(0, std::min<std::size_t>(text.size(), 8)), parser_limits{});
    parser_limits tiny;
    tiny.max_body = 32;
    tiny.max_header_bytes = 48;
    tiny.max_headers = 2;
    tiny.max_chunk_line = 20;
    fuzz_with(text, "\x01\x00\x05", tiny);
    return 0;
}
