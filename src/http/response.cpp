#include "detail/text.hpp"

#include <weft/http/response.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include <unistd.h>

namespace weft::http {

owned_fd& owned_fd::operator=(owned_fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = o.release();
    }
    return *this;
}

owned_fd::~owned_fd() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

namespace {

constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Field names are case-insensitive (RFC 9110 §5.1); ASCII folding only, no locale.
bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_lower(x) == to_lower(y);
           });
}

// Byte classes, one table lookup per byte: tchar (RFC 9110 §5.6.2) and field-value bytes,
// `*( field-vchar / SP / HTAB )` with obs-text allowed (RFC 9110 §5.5).
constexpr std::uint8_t tchar_bit = 1;
constexpr std::uint8_t field_bit = 2;

constexpr std::array<std::uint8_t, 256> byte_classes = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
            t[static_cast<std::size_t>(c)] |= field_bit;
        }
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            t[static_cast<std::size_t>(c)] |= tchar_bit;
        }
    }
    for (const char c : std::string_view("!#$%&'*+-.^_`|~")) {
        t[static_cast<unsigned char>(c)] |= tchar_bit;
    }
    return t;
}();

bool all_of_class(std::string_view s, std::uint8_t bit) noexcept {
    std::uint8_t all = bit;
    for (const char c : s) {
        all &= byte_classes[static_cast<unsigned char>(c)];
    }
    return all != 0;
}

bool is_token(std::string_view s) noexcept {
    return !s.empty() && all_of_class(s, tchar_bit);
}

// Refusing every other control byte, CR, LF and NUL included, is what stops response
// splitting.
// Eight bytes at a time while none is below 0x20 or 0x7f (exact tests: no false negatives,
// and a word they flag, HTAB for one, is left to the byte loop).
bool is_field_value(std::string_view s) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u;
    constexpr std::uint64_t highs = 0x8080808080808080u;
    while (s.size() >= 8) {
        std::uint64_t x = 0;
        std::memcpy(&x, s.data(), sizeof x);
        const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
        const std::uint64_t del = x ^ (ones * 0x7f);
        const std::uint64_t is_del = (del - ones) & ~del & highs;
        if ((below_space | is_del) != 0) {
            break;
        }
        s.remove_prefix(sizeof x);
    }
    return all_of_class(s, field_bit);
}

// The header names the serializer treats specially, told apart by length first so that
// most names cost one comparison of sizes.
enum class special : std::uint8_t { none, framing, connection, date, server };

special classify(std::string_view name) noexcept {
    switch (name.size()) {
    case 4:
        return iequals(name, "date") ? special::date : special::none;
    case 6:
        return iequals(name, "server") ? special::server : special::none;
    case 10:
        return iequals(name, "connection") ? special::connection : special::none;
    case 14:
        // The serializer owns framing (RFC 9112 §6): these user headers are never written.
        return iequals(name, "content-length") ? special::framing : special::none;
    case 17:
        return iequals(name, "transfer-encoding") ? special::framing : special::none;
    default:
        return special::none;
    }
}

constexpr std::string_view crlf = "\r\n";

// Writes the name, ": ", the value and CRLF at `p`; @returns the end.
char* put_field(char* p, std::string_view name, std::string_view value) noexcept {
    p = std::copy(name.begin(), name.end(), p);
    *p++ = ':';
    *p++ = ' ';
    p = std::copy(value.begin(), value.end(), p);
    return std::copy(crlf.begin(), crlf.end(), p);
}

constexpr std::size_t field_size(std::string_view name, std::string_view value) noexcept {
    return name.size() + 2 + value.size() + 2;
}

// Appends `cp` (a Unicode scalar value) as UTF-8.
void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// A JSON string's contents (RFC 8259 §7), always valid UTF-8 (§8.1).
void append_json_escaped(std::string& out, std::string_view s) {
    constexpr std::string_view hex = "0123456789abcdef";
    while (!s.empty()) {
        const auto c = static_cast<unsigned char>(s.front());
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            s.remove_prefix(1);
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
            s.remove_prefix(1);
        } else if (const auto n = detail::utf8_sequence_length(s); n != 0) {
            out.append(s.substr(0, n));
            s.remove_prefix(n);
        } else {
            append_utf8(out, U'\uFFFD');
            s.remove_prefix(1);
        }
    }
}

} // namespace

response response::text(http::status s, std::string body, std::string_view type) {
    response r(s);
    r.add("Content-Type", std::string(type));
    r.set_body(std::move(body));
    return r;
}

response response::html(http::status s, std::string body) {
    return text(s, std::move(body), "text/html; charset=utf-8");
}

response response::empty(http::status s) {
    return response(s);
}

response response::problem(http::status s, std::string_view detail) {
    std::string body;
    const std::string_view title = reason_phrase(s);
    body.reserve(40 + title.size() + detail.size());
    body += R"({"title":")";
    append_json_escaped(body, title);
    body += R"(","status":)";
    body += std::to_string(to_uint(s));
    body += R"(,"detail":")";
    append_json_escaped(body, detail);
    body += R"("})";
    return text(s, std::move(body), "application/problem+json");
}

void response::set(std::string_view name, std::string value) {
    auto it = std::find_if(headers_.begin(), headers_.end(),
                           [&](const header& h) { return iequals(h.first, name); });
    if (it == headers_.end()) {
        headers_.emplace_back(std::string(name), std::move(value));
        return;
    }
    it->second = std::move(value);
    headers_.erase(std::remove_if(std::next(it), headers_.end(),
                                  [&](const header& h) { return iequals(h.first, name); }),
                   headers_.end());
}

void response::add(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> response::find(std::string_view name) const noexcept {
    for (const auto& h : headers_) {
        if (iequals(h.first, name)) {
            return std::string_view(h.second);
        }
    }
    return std::nullopt;
}

std::size_t response::erase(std::string_view name) noexcept {
    const auto before = headers_.size();
    headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                  [&](const header& h) { return iequals(h.first, name); }),
                   headers_.end());
    return before - headers_.size();
}

std::uint64_t response::body_size() const noexcept {
    if (const auto* s = body_string()) {
        return s->size();
    }
    if (const auto* f = body_file()) {
        return f->length;
    }
    return 0;
}

bool sends_body(status s, bool head_request) noexcept {
    const auto code = to_uint(s);
    // RFC 9110 §9.3.2 (HEAD), §15.2 (1xx), §15.3.5 (204), §15.4.5 (304).
    return !head_request && code >= 200 && code != 204 && code != 304;
}

expected<std::size_t, std::error_code>
serialize_head(const response& r, const serialize_options& opts, std::string& out) {
    const auto invalid = [] {
        return unexpected(std::make_error_code(std::errc::invalid_argument));
    };
    const auto code = to_uint(r.status());
    // status-code is three digits (RFC 9112 §4); RFC 9110 §15 defines classes 1xx to 5xx.
    if (code < 100 || code > 599) {
        return invalid();
    }
    const bool interim = code < 200;
    const std::string_view reason = reason_phrase(r.status());

    // HTTP/1.1 persists by default, HTTP/1.0 does not (RFC 9112 §9.3).
    std::string_view connection;
    if (!interim && !opts.keep_alive) {
        connection = "close";
    } else if (!interim && opts.http10) {
        connection = "keep-alive";
    }
    const auto written = [&](special c) {
        return c != special::framing && (connection.empty() || c != special::connection);
    };

    // Pass 1: validate everything and size the head, so that `out` is left untouched on
    // error and grows at most once.
    std::size_t size = 9 + 3 + 1 + reason.size() + 2; // "HTTP/1.1 " code SP reason CRLF
    bool has_date = false;
    bool has_server = false;
    for (const auto& [name, value] : r.headers()) {
        if (!is_token(name) || !is_field_value(value)) {
            return invalid();
        }
        const special c = classify(name);
        has_date = has_date || c == special::date;
        has_server = has_server || c == special::server;
        if (written(c)) {
            size += field_size(name, value);
        }
    }

    const bool add_date = !interim && !opts.date.empty() && !has_date;
    const bool add_server = !interim && !opts.server.empty() && !has_server;
    if ((add_date && !is_field_value(opts.date)) || (add_server && !is_field_value(opts.server))) {
        return invalid();
    }
    if (add_date) {
        size += field_size("Date", opts.date);
    }
    if (add_server) {
        size += field_size("Server", opts.server);
    }

    // RFC 9110 §8.6: no Content-Length in 1xx and 204; for 304 it would have to be the
    // length of the representation not sent, which we cannot know, so it is left out.
    // HEAD keeps the length the GET would have had (§9.3.2).
    const bool add_length = code >= 200 && code != 204 && code != 304;
    std::array<char, 24> length_buf{};
    std::string_view length;
    if (add_length) {
        const auto res =
            std::to_chars(length_buf.data(), length_buf.data() + length_buf.size(), r.body_size());
        length = std::string_view(length_buf.data(),
                                  static_cast<std::size_t>(res.ptr - length_buf.data()));
        size += field_size("Content-Length", length);
    }
    if (!connection.empty()) {
        size += field_size("Connection", connection);
    }
    size += crlf.size();

    // Pass 2: write. resize() zero-fills once, then every byte is overwritten in place.
    const std::size_t start = out.size();
    out.resize(start + size);
    char* p = out.data() + start;
    constexpr std::string_view version = "HTTP/1.1 "; // RFC 9110 §6.2: the sender's version
    p = std::copy(version.begin(), version.end(), p);
    *p++ = static_cast<char>('0' + code / 100);
    *p++ = static_cast<char>('0' + code / 10 % 10);
    *p++ = static_cast<char>('0' + code % 10);
    *p++ = ' ';
    p = std::copy(reason.begin(), reason.end(), p);
    p = std::copy(crlf.begin(), crlf.end(), p);
    if (add_date) {
        p = put_field(p, "Date", opts.date);
    }
    if (add_server) {
        p = put_field(p, "Server", opts.server);
    }
    if (add_length) {
        p = put_field(p, "Content-Length", length);
    }
    if (!connection.empty()) {
        p = put_field(p, "Connection", connection);
    }
    for (const auto& [name, value] : r.headers()) {
        if (written(classify(name))) {
            p = put_field(p, name, value);
        }
    }
    p = std::copy(crlf.begin(), crlf.end(), p);
    return static_cast<std::size_t>(p - (out.data() + start));
}

std::string_view body_view(const response& r, bool head_request) noexcept {
    const auto* s = r.body_string();
    if (s == nullptr || !sends_body(r.status(), head_request)) {
        return {};
    }
    return *s;
}

const file_range* body_file(const response& r, bool head_request) noexcept {
    return sends_body(r.status(), head_request) ? r.body_file() : nullptr;
}

} // namespace weft::http
