#pragma once

#include <weft/expected.hpp>
#include <weft/http/error.hpp>
#include <weft/http/request_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <span>
#include <string_view>
#include <vector>

namespace weft::http {

/// What one `chunked_decoder::decode` call did.
struct chunk_progress {
    /// Bytes at the front of the input the caller may now drop; the next call's input must start
    /// right after them. 0 means more bytes are needed (the input may be a partial line).
    std::size_t consumed = 0;
    /// Decoded body bytes: a view into the consumed part of the input, possibly empty.
    std::string_view data;
    /// The last chunk and the trailer section are complete; the message ends after `consumed`.
    bool done = false;
};

/// An incremental decoder of the chunked transfer coding (RFC 9112 §7.1), zero-copy.
///
/// Feed it the bytes that follow a chunked request head; each call returns at most one piece of
/// body data, as a view into the input, so the caller loops:
///
///     while (!in.empty()) {
///         auto p = decoder.decode(in);       // error: answer p.error().to_status(), close
///         sink(p->data);
///         in.remove_prefix(p->consumed);
///         if (p->done || p->consumed == 0) break;   // finished, or read more and call again
///     }
///
/// Chunk extensions are validated (`;name[=token|quoted-string]`, RFC 9112 §7.1.1) and
/// ignored. Chunk framing needs CRLF (a lone LF is refused: chunk-line ambiguities are a known
/// request-smuggling vector), while trailer lines follow the header rules. The trailer section
/// is kept whole in the input until it is complete (`consumed` stays at its start), then parsed
/// into `trailers()`; it is bounded by `max_header_bytes` and `max_headers` (431).
/// A chunk that would take the body past `max_body` fails with `body_too_large` (413) before
/// any of its data is returned. After an error the decoder stays failed until `reset`.
/// Not thread-safe; loop thread only.
class chunked_decoder {
  public:
    explicit chunked_decoder(parser_limits limits = {},
                             std::pmr::memory_resource* memory = std::pmr::get_default_resource());

    /// Decodes from `input`, which starts at the first byte not consumed by earlier calls.
    /// Error offsets count from the first byte of the chunked body.
    [[nodiscard]] expected<chunk_progress, parse_error> decode(std::string_view input);

    /// Whether the whole chunked body, trailers included, has been decoded.
    [[nodiscard]] bool done() const noexcept { return state_ == state::done; }

    /// Body bytes decoded so far.
    [[nodiscard]] std::uint64_t body_size() const noexcept { return total_; }

    /// The trailer fields, once `done()`: views into the input of the final `decode` call,
    /// valid while those bytes are. Framing fields received here (Content-Length,
    /// Transfer-Encoding, Host) must not be acted on (RFC 9110 §6.5.1).
    [[nodiscard]] std::span<const header> trailers() const noexcept {
        return {trailers_.data(), trailers_.size()};
    }

    /// Forgets the current body, to decode another.
    void reset() noexcept;

  private:
    enum class state : std::uint8_t {
        size,
        size_ws,
        ext_name_start,
        ext_name,
        ext_after_name,
        ext_value_start,
        ext_token,
        ext_quoted,
        ext_escape,
        ext_after_value,
        size_lf,
        data,
        data_cr,
        data_lf,
        trailers,
        done,
        failed,
    };

    expected<chunk_progress, parse_error> fail(http_errc code, std::uint64_t offset);

    parser_limits limits_;
    std::pmr::vector<header> trailers_;
    state state_ = state::size;
    std::uint64_t chunk_size_ = 0;
    std::uint64_t remaining_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t position_ = 0;   // stream offset of the next input's first byte
    std::uint64_t line_begin_ = 0; // stream offset of the current chunk-size line
    std::size_t line_length_ = 0;
    std::size_t digits_ = 0;
    std::size_t trailer_pos_ = 0; // offset of the next unscanned trailer line
    std::uintptr_t trailer_base_ = 0;
    parse_error error_{};
};

} // namespace weft::http
