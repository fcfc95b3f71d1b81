#include "detail/text.hpp"

#include <weft/http/chunked_decoder.hpp>

#include <algorithm>
#include <limits>

namespace weft::http {

namespace {

bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

// qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4)
bool is_qdtext(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || u == ' ' || u == 0x21 || (u >= 0x23 && u <= 0x5b) ||
           (u >= 0x5d && u <= 0x7e) || u >= 0x80;
}

// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
bool is_quotable(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

} // namespace

chunked_decoder::chunked_decoder(parser_limits limits, std::pmr::memory_resource* memory)
    : limits_(limits), trailers_(memory) {}

void chunked_decoder::reset() noexcept {
    trailers_.clear();
    state_ = state::size;
    chunk_size_ = remaining_ = total_ = position_ = line_begin_ = 0;
    line_length_ = digits_ = trailer_pos_ = 0;
    trailer_base_ = 0;
    error_ = parse_error{};
}

expected<chunk_progress, parse_error> chunked_decoder::fail(http_errc code, std::uint64_t offset) {
    error_ = parse_error{code, static_cast<std::uint32_t>(std::min<std::uint64_t>(
                                   offset, std::numeric_limits<std::uint32_t>::max()))};
    state_ = state::failed;
    return unexpected(error_);
}

expected<chunk_progress, parse_error> chunked_decoder::decode(std::string_view input) {
    if (state_ == state::failed) {
        return unexpected(error_);
    }
    if (state_ == state::done) {
        return chunk_progress{0, {}, true};
    }
    const std::size_t n = input.size();
    std::size_t i = 0;
    // Every return hands back `i` bytes: account for them in the stream position.
    const auto progress = [&](std::string_view data, bool done) {
        position_ += i;
        return chunk_progress{i, data, done};
    };
    while (i < n || state_ == state::trailers) {
        if (state_ == state::trailers) {
            const std::string_view section = input.substr(i);
            const auto address = reinterpret_cast<std::uintptr_t>(section.data());
            if (address != trailer_base_) {
                // New or moved bytes: views of earlier lines would dangle, so scan again.
                trailers_.clear();
                trailer_pos_ = 0;
                trailer_base_ = address;
            }
            const std::size_t stop = std::min(section.size(), limits_.max_header_bytes);
            bool done = false;
            if (auto e =
                    detail::scan_fields(section, trailer_pos_, stop, limits_.max_headers,
                                        static_cast<std::size_t>(position_ + i), trailers_, done)) {
                return fail(e->code, e->offset);
            }
            if (done) {
                i += trailer_pos_;
                state_ = state::done;
                return progress({}, true);
            }
            if (stop == limits_.max_header_bytes) {
                return fail(http_errc::headers_too_large, position_ + i + limits_.max_header_bytes);
            }
            return progress({}, false);
        }
        const char c = input[i];
        const std::uint64_t at = position_ + i;
        if (state_ < state::data) {
            // RFC 9112 §7.1 puts no bound on chunk extensions; we do, so a peer cannot make
            // us scan forever without producing a byte of body.
            if (++line_length_ > limits_.max_chunk_line) {
                return fail(http_errc::chunk_line_too_long, at);
            }
        }
        switch (state_) {
        case state::size: {
            const int h = detail::hex_value(c);
            if (h >= 0) {
                if (chunk_size_ > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
                    return fail(http_errc::chunk_size_overflow, at);
                }
                chunk_size_ = (chunk_size_ << 4) | static_cast<std::uint64_t>(h);
                ++digits_;
            } else if (digits_ == 0) {
                return fail(http_errc::bad_chunk_size, at);
            } else if (c == ';') {
                state_ = state::ext_name_start;
            } else if (is_ows(c)) {
                state_ = state::size_ws;
            } else if (c == '\r') {
                state_ = state::size_lf;
            } else {
                return fail(http_errc::bad_chunk_size, at);
            }
            ++i;
            break;
        }
        case state::size_ws:
        case state::ext_after_name:
        case state::ext_after_value:
            // BWS, then ";" (another extension), "=" (after a name), or the line end.
            if (c == ';') {
                state_ = state::ext_name_start;
            } else if (c == '=' && state_ == state::ext_after_name) {
                state_ = state::ext_value_start;
            } else if (c == '\r') {
                state_ = state::size_lf;
            } else if (!is_ows(c)) {
                return fail(state_ == state::size_ws ? http_errc::bad_chunk_size
                                                     : http_errc::bad_chunk_extension,
                            at);
            }
            ++i;
            break;
        case state::ext_name_start:
            if (detail::is_token_char(c)) {
                state_ = state::ext_name;
            } else if (!is_ows(c)) {
                return fail(http_errc::bad_chunk_extension, at);
            }
            ++i;
            break;
        case state::ext_name:
        case state::ext_token:
            if (detail::is_token_char(c)) {
                // stay
            } else if (is_ows(c)) {
                state_ = state_ == state::ext_name ? state::ext_after_name : state::ext_after_value;
            } else if (c == '=' && state_ == state::ext_name) {
                state_ = state::ext_value_start;
            } else if (c == ';') {
                state_ = state::ext_name_start;
            } else if (c == '\r') {
                state_ = state::size_lf;
            } else {
                return fail(http_errc::bad_chunk_extension, at);
            }
            ++i;
            break;
        case state::ext_value_start:
            if (c == '"') {
                state_ = state::ext_quoted;
            } else if (detail::is_token_char(c)) {
                state_ = state::ext_token;
            } else if (!is_ows(c)) {
                return fail(http_errc::bad_chunk_extension, at);
            }
            ++i;
            break;
        case state::ext_quoted:
            if (c == '"') {
                state_ = state::ext_after_value;
            } else if (c == '\\') {
                state_ = state::ext_escape;
            } else if (!is_qdtext(c)) {
                return fail(http_errc::bad_chunk_extension, at);
            }
            ++i;
            break;
        case state::ext_escape:
            if (!is_quotable(c)) {
                return fail(http_errc::bad_chunk_extension, at);
            }
            state_ = state::ext_quoted;
            ++i;
            break;
        case state::size_lf:
            if (c != '\n') {
                return fail(http_errc::bare_cr, at - 1);
            }
            ++i;
            if (chunk_size_ == 0) {
                // last-chunk: the trailer section follows (RFC 9112 §7.1.2). Hand back the
                // framing consumed so far so the section starts the caller's next input.
                state_ = state::trailers;
                trailer_base_ = 0;
                return progress({}, false);
            }
            if (chunk_size_ > limits_.max_body - std::min(total_, limits_.max_body)) {
                return fail(http_errc::body_too_large, line_begin_);
            }
            remaining_ = chunk_size_;
            state_ = state::data;
            break;
        case state::data: {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n - i));
            const std::string_view data = input.substr(i, take);
            i += take;
            remaining_ -= take;
            total_ += take;
            if (remaining_ == 0) {
                state_ = state::data_cr;
            }
            return progress(data, false);
        }
        case state::data_cr:
            if (c != '\r') {
                return fail(http_errc::missing_chunk_crlf, at);
            }
            state_ = state::data_lf;
            ++i;
            break;
        case state::data_lf:
            if (c != '\n') {
                return fail(http_errc::missing_chunk_crlf, at);
            }
            ++i;
            state_ = state::size;
            chunk_size_ = 0;
            digits_ = 0;
            line_length_ = 0;
            line_begin_ = position_ + i;
            break;
        case state::trailers:
        case state::done:
        case state::failed:
            break;
        }
    }
    return progress({}, false);
}

} // namespace weft::http
