#include <weft/http/request_parser.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace weft::http {

namespace detail {

namespace {

constexpr std::array<bool, 256> make_token_table() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    for (int c = 'a'; c <= 'z'; ++c) {
        t[static_cast<std::size_t>(c)] = true;
        t[static_cast<std::size_t>(c - 'a' + 'A')] = true;
    }
    for (const char c : std::string_view("!#$%&'*+-.^_`|~")) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}

constexpr std::array<bool, 256> token_table = make_token_table();

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

inline bool token_char(char c) noexcept {
    return token_table[static_cast<unsigned char>(c)];
}

inline bool same_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

bool is_token_char(char c) noexcept {
    return token_char(c);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return same_ignoring_case(a, b);
}

const char* find_target_end_scalar(const char* first, const char* last) noexcept {
    for (; first != last; ++first) {
        const auto u = static_cast<unsigned char>(*first);
        if (u <= 0x20 || u >= 0x7f) {
            return first;
        }
    }
    return last;
}

const char* find_value_end_scalar(const char* first, const char* last) noexcept {
    for (; first != last; ++first) {
        const auto u = static_cast<unsigned char>(*first);
        if ((u < 0x20 && u != '\t') || u == 0x7f) {
            return first;
        }
    }
    return last;
}

// Both vector scans load only whole blocks that lie inside [first, last) and finish the tail
// with the scalar loop, so they never touch a byte past `last` (tested against a guard page).
const char* find_target_end_simd(const char* first, const char* last) noexcept {
#if defined(__AVX2__)
    {
        const __m256i limit = _mm256_set1_epi8(0x21);
        const __m256i del = _mm256_set1_epi8(0x7f);
        while (last - first >= 32) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first));
            // Signed compare: bytes >= 0x80 are negative, so "< 0x21" also flags non-ASCII.
            const __m256i bad =
                _mm256_or_si256(_mm256_cmpgt_epi8(limit, x), _mm256_cmpeq_epi8(x, del));
            if (const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(bad)); mask != 0) {
                return first + std::countr_zero(mask);
            }
            first += 32;
        }
    }
#endif
#if defined(__SSE2__)
    {
        const __m128i limit = _mm_set1_epi8(0x21);
        const __m128i del = _mm_set1_epi8(0x7f);
        while (last - first >= 16) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first));
            const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, limit), _mm_cmpeq_epi8(x, del));
            if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(bad)); mask != 0) {
                return first + std::countr_zero(mask);
            }
            first += 16;
        }
    }
#endif
    return find_target_end_scalar(first, last);
}

const char* find_value_end_simd(const char* first, const char* last) noexcept {
#if defined(__AVX2__)
    {
        const __m256i ctl_max = _mm256_set1_epi8(0x1f);
        const __m256i tab = _mm256_set1_epi8('\t');
        const __m256i del = _mm256_set1_epi8(0x7f);
        while (last - first >= 32) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first));
            // Unsigned x <= 0x1f  <=>  min(x, 0x1f) == x; obs-text (>= 0x80) stays allowed.
            const __m256i ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(x, ctl_max), x);
            const __m256i bad = _mm256_or_si256(_mm256_andnot_si256(_mm256_cmpeq_epi8(x, tab), ctl),
                                                _mm256_cmpeq_epi8(x, del));
            if (const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(bad)); mask != 0) {
                return first + std::countr_zero(mask);
            }
            first += 32;
        }
    }
#endif
#if defined(__SSE2__)
    {
        const __m128i ctl_max = _mm_set1_epi8(0x1f);
        const __m128i tab = _mm_set1_epi8('\t');
        const __m128i del = _mm_set1_epi8(0x7f);
        while (last - first >= 16) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first));
            const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, ctl_max), x);
            const __m128i bad =
                _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x, tab), ctl), _mm_cmpeq_epi8(x, del));
            if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(bad)); mask != 0) {
                return first + std::countr_zero(mask);
            }
            first += 16;
        }
    }
#endif
    return find_value_end_scalar(first, last);
}

std::string_view simd_path() noexcept {
#if defined(__AVX2__)
    return "avx2";
#elif defined(__SSE2__)
    return "sse2";
#else
    return "scalar";
#endif
}

std::optional<parse_error> scan_fields(std::string_view buffer, std::size_t& pos, std::size_t stop,
                                       std::size_t max_fields, std::size_t base_offset,
                                       std::pmr::vector<header>& out, bool& done) {
    const char* const base = buffer.data();
    const char* const end = base + stop;
    const auto error = [&](http_errc code, const char* at) {
        return parse_error{
            code, static_cast<std::uint32_t>(base_offset + static_cast<std::size_t>(at - base))};
    };
    done = false;
    while (true) {
        const char* p = base + pos;
        if (p == end) {
            return std::nullopt;
        }
        // The empty line that ends the section (RFC 9112 §2.1).
        if (*p == '\n') {
            pos += 1;
            done = true;
            return std::nullopt;
        }
        if (*p == '\r') {
            if (p + 1 == end) {
                return std::nullopt;
            }
            if (p[1] != '\n') {
                return error(http_errc::bare_cr, p);
            }
            pos += 2;
            done = true;
            return std::nullopt;
        }
        // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace after the start line): reject.
        if (is_ows(*p)) {
            return error(http_errc::obs_fold, p);
        }
        // A table lookup per byte: names are short, and an SSE2 version measured slower.
        const char* q = p;
        while (q != end && token_char(*q)) {
            ++q;
        }
        if (q == end) {
            return std::nullopt;
        }
        if (*q != ':') {
            // RFC 9112 §5.1: no whitespace is allowed between the field name and colon.
            if (q != p && is_ows(*q)) {
                return error(http_errc::whitespace_before_colon, q);
            }
            return error(http_errc::bad_field_name, q);
        }
        if (q == p) {
            return error(http_errc::bad_field_name, q);
        }
        const std::string_view name(p, static_cast<std::size_t>(q - p));
        ++q;
        while (q != end && is_ows(*q)) {
            ++q;
        }
        const char* const value_begin = q;
        const char* v = find_value_end_simd(q, end);
        if (v == end) {
            return std::nullopt;
        }
        const char* next = nullptr;
        if (*v == '\n') {
            next = v + 1;
        } else if (*v == '\r') {
            if (v + 1 == end) {
                return std::nullopt;
            }
            if (v[1] != '\n') {
                return error(http_errc::bare_cr, v);
            }
            next = v + 2;
        } else {
            // RFC 9110 §5.5: field-value is VCHAR, obs-text, SP and HTAB only.
            return error(http_errc::bad_field_value, v);
        }
        const char* value_end = v;
        while (value_end != value_begin && is_ows(value_end[-1])) {
            --value_end;
        }
        if (out.size() >= max_fields) {
            return error(http_errc::too_many_headers, p);
        }
        out.push_back(header{name, std::string_view(value_begin, static_cast<std::size_t>(
                                                                     value_end - value_begin))});
        pos = static_cast<std::size_t>(next - base);
    }
}

} // namespace detail

namespace {

using detail::is_ows;
using detail::same_ignoring_case;

// The fields the parser acts on; everything else is only stored.
enum class known_field : std::uint8_t {
    other,
    content_length,
    transfer_encoding,
    host,
    connection,
    expect
};

// Switches on the length first, so most names cost one comparison of sizes.
known_field classify(std::string_view name) noexcept {
    switch (name.size()) {
    case 4:
        return same_ignoring_case(name, "host") ? known_field::host : known_field::other;
    case 6:
        return same_ignoring_case(name, "expect") ? known_field::expect : known_field::other;
    case 10:
        return same_ignoring_case(name, "connection") ? known_field::connection
                                                      : known_field::other;
    case 14:
        return same_ignoring_case(name, "content-length") ? known_field::content_length
                                                          : known_field::other;
    case 17:
        return same_ignoring_case(name, "transfer-encoding") ? known_field::transfer_encoding
                                                             : known_field::other;
    default:
        return known_field::other;
    }
}

// Splits a comma-separated list (RFC 9110 §5.6.1) and calls f(element) on each non-empty
// element with its surrounding whitespace removed; stops early when f returns false.
template <typename F> bool for_each_element(std::string_view list, F f) {
    while (true) {
        const std::size_t comma = list.find(',');
        std::string_view element = list.substr(0, comma);
        while (!element.empty() && is_ows(element.front())) {
            element.remove_prefix(1);
        }
        while (!element.empty() && is_ows(element.back())) {
            element.remove_suffix(1);
        }
        if (!element.empty() && !f(element)) {
            return false;
        }
        if (comma == std::string_view::npos) {
            return true;
        }
        list.remove_prefix(comma + 1);
    }
}

bool is_token(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), detail::token_char);
}

// uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2): unreserved, pct-encoded, sub-delims,
// and the brackets and colons of an IP-literal. Anything else ("/", "@", space) is refused so
// that Host cannot smuggle a path or userinfo into URL reconstruction.
constexpr std::array<bool, 256> make_host_table() {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[static_cast<std::size_t>(c)] =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    for (const char c : std::string_view("-._~%!$&'()*+,;=:[]")) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}

constexpr std::array<bool, 256> host_table = make_host_table();

bool is_host_chars(std::string_view s, bool colons) noexcept {
    return std::all_of(s.begin(), s.end(), [colons](char c) {
        return host_table[static_cast<unsigned char>(c)] && c != '[' && c != ']' &&
               (colons || c != ':');
    });
}

// The structure as well as the bytes: an IP-literal in brackets (which alone may hold colons)
// or a reg-name / IPv4address without colons, then an optional ":" port of digits only. A
// character check alone let "a:b", "a:80:80" and "x]:1" through.
bool is_valid_host(std::string_view host) noexcept {
    std::string_view rest = host;
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos || close == 1 ||
            !is_host_chars(host.substr(1, close - 1), true)) {
            return false;
        }
        rest = host.substr(close + 1);
    } else {
        const std::size_t colon = host.find(':');
        if (!is_host_chars(host.substr(0, colon), false)) {
            return false;
        }
        rest = colon == std::string_view::npos ? std::string_view{} : host.substr(colon);
    }
    if (rest.empty()) {
        return true;
    }
    // port = *DIGIT (RFC 3986 §3.2.3): "a:" is allowed, like an empty port in a URI.
    return rest.front() == ':' &&
           std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1*DIGIT into a uint64 (RFC 9110 §8.6); false on anything else or overflow.
bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
    if (s.empty()) {
        return false;
    }
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    out = v;
    return true;
}

} // namespace

std::optional<std::string_view> request_head::find(std::string_view name) const noexcept {
    for (const header& h : headers) {
        if (same_ignoring_case(h.name, name)) {
            return h.value;
        }
    }
    return std::nullopt;
}

request_parser::request_parser(parser_limits limits, std::pmr::memory_resource* memory)
    : limits_(limits), headers_(memory) {}

void request_parser::reset() noexcept {
    headers_.clear();
    head_ = request_head{};
    error_ = parse_error{};
    phase_ = phase::empty_lines;
    pos_ = 0;
    method_begin_ = target_begin_ = version_begin_ = fields_begin_ = 0;
    base_ = 0;
}

expected<std::size_t, parse_error> request_parser::fail(http_errc code, std::size_t offset) {
    error_ = parse_error{code, static_cast<std::uint32_t>(offset)};
    phase_ = phase::failed;
    return unexpected(error_);
}

// Scans the request line (RFC 9112 §3) in buffer[pos_, stop). Each decision looks only at
// bytes below `stop`, so the outcome is the same however the input was split into reads.
std::optional<parse_error> request_parser::scan_request_line(std::string_view buffer,
                                                             std::size_t stop) {
    const char* const b = buffer.data();
    const auto error = [](http_errc code, std::size_t at) {
        return parse_error{code, static_cast<std::uint32_t>(at)};
    };
    while (pos_ < stop) {
        switch (phase_) {
        case phase::empty_lines:
            // RFC 9112 §2.2: ignore at least one empty line before the request line.
            if (b[pos_] == '\n') {
                ++pos_;
            } else if (b[pos_] == '\r') {
                if (pos_ + 1 == stop) {
                    return std::nullopt;
                }
                if (b[pos_ + 1] != '\n') {
                    return error(http_errc::bare_cr, pos_);
                }
                pos_ += 2;
            } else {
                method_begin_ = pos_;
                phase_ = phase::method;
            }
            break;
        case phase::method:
            while (pos_ < stop && detail::token_char(b[pos_])) {
                ++pos_;
            }
            if (pos_ == stop) {
                return std::nullopt;
            }
            if (b[pos_] != ' ' || pos_ == method_begin_) {
                return error(http_errc::bad_method, pos_);
            }
            target_begin_ = ++pos_;
            phase_ = phase::target;
            break;
        case phase::target: {
            pos_ = static_cast<std::size_t>(detail::find_target_end_simd(b + pos_, b + stop) - b);
            if (pos_ == stop) {
                return std::nullopt;
            }
            if (b[pos_] != ' ' || pos_ == target_begin_) {
                return error(http_errc::bad_target, pos_);
            }
            // RFC 9112 §3.2: origin-form "/...", absolute-form "scheme:...", authority-form
            // (CONNECT) or asterisk-form "*" alone.
            const char first = b[target_begin_];
            const bool alpha = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
            const bool asterisk = first == '*' && pos_ == target_begin_ + 1;
            if (first != '/' && !alpha && !asterisk) {
                return error(http_errc::bad_target, target_begin_);
            }
            version_begin_ = ++pos_;
            phase_ = phase::version;
            break;
        }
        case phase::version: {
            // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
            if (pos_ == version_begin_ && stop - pos_ > 8 &&
                std::memcmp(b + pos_, "HTTP/1.", 7) == 0 &&
                (b[pos_ + 7] == '0' || b[pos_ + 7] == '1')) {
                pos_ += 8; // the common case, byte for byte what the loop below accepts
            }
            const std::size_t i = pos_ - version_begin_;
            const char c = b[pos_];
            if (i < 5) {
                if (c != "HTTP/"[i]) {
                    return error(http_errc::bad_version, pos_);
                }
                ++pos_;
            } else if (i == 5 || i == 7) {
                if (c < '0' || c > '9') {
                    return error(http_errc::bad_version, pos_);
                }
                ++pos_;
            } else if (i == 6) {
                if (c != '.') {
                    return error(http_errc::bad_version, pos_);
                }
                ++pos_;
            } else {
                if (c == '\r') {
                    if (pos_ + 1 == stop) {
                        return std::nullopt;
                    }
                    if (b[pos_ + 1] != '\n') {
                        return error(http_errc::bare_cr, pos_);
                    }
                    fields_begin_ = pos_ + 2;
                } else if (c == '\n') {
                    fields_begin_ = pos_ + 1;
                } else {
                    return error(http_errc::bad_version, pos_);
                }
                const char major = b[version_begin_ + 5];
                const char minor = b[version_begin_ + 7];
                if (major != '1' || (minor != '0' && minor != '1')) {
                    return error(http_errc::version_not_supported, version_begin_);
                }
                pos_ = fields_begin_;
                phase_ = phase::fields;
                return std::nullopt;
            }
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// Header semantics, once the whole section is in: framing (RFC 9112 §6.3), Host (§3.2),
// Connection (§9.3), Expect (RFC 9110 §10.1.1).
std::optional<parse_error> request_parser::finish(std::string_view buffer) {
    const char* const b = buffer.data();
    const auto at = [b](const header& h) { return static_cast<std::uint32_t>(h.name.data() - b); };
    const bool http11 = head_.version == http_version::http_1_1;
    const header* content_length = nullptr;
    const header* transfer_encoding = nullptr;
    const header* host = nullptr;
    bool close = false;
    bool keep_alive = false;
    bool expect_continue = false;
    std::uint64_t length = 0;
    std::size_t codings = 0;
    std::size_t chunked_count = 0;
    bool last_is_chunked = false;
    bool chunked_has_params = false;

    for (const header& h : headers_) {
        const known_field kind = classify(h.name);
        if (kind == known_field::other) {
            continue;
        }
        if (kind == known_field::content_length) {
            // RFC 9110 §8.6: a list of identical values ("5, 5", or repeated lines) may be
            // taken as one; different values are an unrecoverable framing error. Unlike other
            // lists, no element may be empty and nothing but digits is allowed ("+5", "5 x").
            std::string_view rest = h.value;
            while (true) {
                const std::size_t comma = rest.find(',');
                std::string_view element = rest.substr(0, comma);
                while (!element.empty() && is_ows(element.front())) {
                    element.remove_prefix(1);
                }
                while (!element.empty() && is_ows(element.back())) {
                    element.remove_suffix(1);
                }
                std::uint64_t v = 0;
                if (!parse_decimal(element, v)) {
                    return parse_error{http_errc::bad_content_length, at(h)};
                }
                if (content_length != nullptr && v != length) {
                    return parse_error{http_errc::conflicting_content_length, at(h)};
                }
                length = v;
                content_length = &h;
                if (comma == std::string_view::npos) {
                    break;
                }
                rest.remove_prefix(comma + 1);
            }
        } else if (kind == known_field::transfer_encoding) {
            // The codings of all Transfer-Encoding lines, in order (RFC 9110 §5.3).
            transfer_encoding = &h;
            bool ok = true;
            for_each_element(h.value, [&](std::string_view element) {
                const std::size_t semi = element.find(';');
                std::string_view name = element.substr(0, semi);
                while (!name.empty() && is_ows(name.back())) {
                    name.remove_suffix(1);
                }
                if (!is_token(name)) {
                    ok = false;
                    return false;
                }
                ++codings;
                last_is_chunked = same_ignoring_case(name, "chunked");
                if (last_is_chunked) {
                    ++chunked_count;
                    chunked_has_params = chunked_has_params || semi != std::string_view::npos;
                }
                return true;
            });
            if (!ok) {
                return parse_error{http_errc::bad_transfer_encoding, at(h)};
            }
        } else if (kind == known_field::host) {
            if (host != nullptr) {
                return parse_error{http_errc::multiple_host, at(h)};
            }
            if (!is_valid_host(h.value)) {
                return parse_error{http_errc::bad_host, at(h)};
            }
            host = &h;
        } else if (kind == known_field::connection) {
            for_each_element(h.value, [&](std::string_view option) {
                close = close || same_ignoring_case(option, "close");
                keep_alive = keep_alive || same_ignoring_case(option, "keep-alive");
                return true;
            });
        } else if (kind == known_field::expect) {
            expect_continue = expect_continue || same_ignoring_case(h.value, "100-continue");
        }
    }

    if (transfer_encoding != nullptr) {
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing, and with
        // Content-Length it is a smuggling attempt; both are refused rather than repaired.
        if (!http11) {
            return parse_error{http_errc::transfer_encoding_in_http10, at(*transfer_encoding)};
        }
        if (content_length != nullptr) {
            return parse_error{http_errc::content_length_with_transfer_encoding,
                               at(*transfer_encoding)};
        }
        if (codings == 0 || chunked_count > 1 || chunked_has_params) {
            return parse_error{http_errc::bad_transfer_encoding, at(*transfer_encoding)};
        }
        // RFC 9112 §6.3 item 4: chunked must be final, else 400; §6.1: an unknown coding
        // before it gets 501.
        if (!last_is_chunked) {
            return parse_error{http_errc::chunked_not_final, at(*transfer_encoding)};
        }
        if (codings > 1) {
            return parse_error{http_errc::unsupported_transfer_coding, at(*transfer_encoding)};
        }
        if (!limits_.allow_chunked) {
            return parse_error{http_errc::length_required, at(*transfer_encoding)};
        }
        head_.chunked = true;
    }
    if (http11 && host == nullptr) {
        return parse_error{http_errc::missing_host, static_cast<std::uint32_t>(fields_begin_)};
    }
    if (content_length != nullptr) {
        if (length > limits_.max_body) {
            return parse_error{http_errc::body_too_large, at(*content_length)};
        }
        head_.content_length = length;
    }
    head_.has_host = host != nullptr;
    head_.host = host != nullptr ? host->value : std::string_view{};
    head_.keep_alive = !close && (http11 || keep_alive);
    // RFC 9110 §10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request.
    head_.expect_continue = http11 && expect_continue;
    return std::nullopt;
}

expected<std::size_t, parse_error> request_parser::parse(std::string_view buffer) {
    if (phase_ == phase::failed) {
        return unexpected(error_);
    }
    if (phase_ == phase::complete) {
        return pos_;
    }
    const auto address = reinterpret_cast<std::uintptr_t>(buffer.data());
    if (address != base_) {
        // The buffer moved: views of field lines seen so far point into the old one. Offsets
        // are still right, so only the field lines are scanned again.
        base_ = address;
        if (phase_ == phase::fields) {
            headers_.clear();
            pos_ = fields_begin_;
        }
    }
    if (buffer.size() < pos_) {
        // Not the bytes we saw (the caller broke the contract): start this buffer afresh rather
        // than index past its end.
        reset();
        base_ = address;
    }

    if (phase_ != phase::fields) {
        const std::size_t line_stop = std::min(buffer.size(), limits_.max_request_line);
        if (auto e = scan_request_line(buffer, line_stop)) {
            return fail(e->code, e->offset);
        }
        if (phase_ != phase::fields) {
            if (line_stop == limits_.max_request_line) {
                return fail(http_errc::uri_too_long, limits_.max_request_line);
            }
            return incomplete;
        }
        head_.version =
            buffer[version_begin_ + 7] == '1' ? http_version::http_1_1 : http_version::http_1_0;
    }

    const std::size_t stop = std::min(buffer.size(), limits_.max_header_bytes);
    bool done = false;
    if (pos_ <= stop) {
        if (auto e =
                detail::scan_fields(buffer, pos_, stop, limits_.max_headers, 0, headers_, done)) {
            return fail(e->code, e->offset);
        }
    }
    if (!done) {
        if (stop == limits_.max_header_bytes) {
            return fail(http_errc::headers_too_large, limits_.max_header_bytes);
        }
        return incomplete;
    }
    // Views are made only now: the buffer may have moved since the request line was scanned.
    head_.method = buffer.substr(method_begin_, target_begin_ - 1 - method_begin_);
    head_.target = buffer.substr(target_begin_, version_begin_ - 1 - target_begin_);
    head_.headers = std::span<const header>(headers_.data(), headers_.size());
    if (auto e = finish(buffer)) {
        return fail(e->code, e->offset);
    }
    phase_ = phase::complete;
    return pos_;
}

} // namespace weft::http
