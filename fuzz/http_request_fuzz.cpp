// Fuzzes request_parser: no crash; the result never depends on how the input was split into
// reads (every prefix is incomplete, or the same error, and completion comes exactly at the
// reported length); views and offsets stay inside the input; a chunked body that follows is
// decoded without producing more bytes than it was given. Runs with the default limits and
// with tiny ones, so the 414/431 paths are reached too.
#include <weft/http/chunked_decoder.hpp>
#include <weft/http/request_parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using weft::http::parser_limits;
using weft::http::request_parser;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void fuzz_with(std::string_view text, parser_limits limits) {
    request_parser whole(limits);
    const auto r = whole.parse(text);
    if (r && *r != request_parser::incomplete) {
        check(*r <= text.size());
        const auto& h = whole.head();
        check(inside(h.method, text) && inside(h.target, text) && !h.method.empty());
        check(h.headers.size() <= limits.max_headers);
        for (const auto& f : h.headers) {
            check(inside(f.name, text) && inside(f.value, text) && !f.name.empty());
        }
        check(!(h.chunked && h.content_length.has_value()));
        check(h.content_length.value_or(0) <= limits.max_body);
        if (h.chunked) {
            // The body that follows: pieces are views into the input, never more than it.
            weft::http::chunked_decoder body(limits);
            std::string_view rest = text.substr(*r);
            std::size_t total = 0;
            while (!rest.empty()) {
                const auto p = body.decode(rest);
                if (!p) {
                    break;
                }
                check(p->consumed <= rest.size() && inside(p->data, rest.substr(0, p->consumed)));
                total += p->data.size();
                rest.remove_prefix(p->consumed);
                if (p->done || p->consumed == 0) {
                    break;
                }
            }
            check(total <= text.size() - *r);
        }
    } else if (!r) {
        check(r.error().offset <= std::max(text.size(), limits.max_header_bytes));
    }

    // One byte more per call, one parser: the first answer that is not "incomplete" must be the
    // whole-input answer, and must come exactly at the completed length.
    request_parser bytewise(limits);
    std::vector<char> moving;
    for (std::size_t n = 0; n <= text.size(); ++n) {
        std::string_view view = text.substr(0, n);
        if (n % 7 == 3) {
            // Now and then the buffer moves, as when a connection's buffer grows.
            moving.assign(view.begin(), view.end());
            moving.reserve(moving.size() + 1 + n % 5);
            view = std::string_view(moving.data(), moving.size());
        }
        const auto b = bytewise.parse(view);
        if (b && *b == request_parser::incomplete) {
            check(!(r && *r == n && n != 0));
            continue;
        }
        if (!b) {
            check(!r && r.error() == b.error());
        } else {
            check(r && *r == *b && *b == n);
            check(bytewise.head().headers.size() == whole.head().headers.size());
            check(bytewise.head().target == whole.head().target);
        }
        return;
    }
    check(r && *r == request_parser::incomplete);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz_with(text, parser_limits{});
    parser_limits tiny;
    tiny.max_request_line = 40;
    tiny.max_header_bytes = 120;
    tiny.max_headers = 4;
    tiny.max_body = 64;
    tiny.max_chunk_line = 24;
    fuzz_with(text, tiny);
    return 0;
}
