#pragma once

#include <weft/expected.hpp>
#include <weft/http/response.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace weft::http {

/// A content coding weft can produce and read (RFC 9110 §8.4.1).
enum class content_coding : std::uint8_t {
    identity, ///< no coding
    gzip,     ///< "gzip" (RFC 1952 wrapper around deflate), zlib
    br,       ///< "br" (RFC 7932), Brotli
    zstd,     ///< "zstd" (RFC 8878), Zstandard
};

/// The coding's name as written in Content-Encoding: "identity", "gzip", "br", "zstd".
[[nodiscard]] std::string_view to_string(content_coding c) noexcept;

/// A set of content codings, one bit each. A plain constexpr value.
class coding_set {
  public:
    /// The empty set.
    constexpr coding_set() noexcept = default;
    /// The set holding `codings`.
    constexpr coding_set(std::initializer_list<content_coding> codings) noexcept {
        for (const auto c : codings) {
            insert(c);
        }
    }
    /// gzip, br and zstd (identity is always implied and need not be listed).
    [[nodiscard]] static constexpr coding_set all() noexcept {
        return {content_coding::gzip, content_coding::br, content_coding::zstd};
    }
    /// Whether `c` is in the set.
    [[nodiscard]] constexpr bool contains(content_coding c) const noexcept {
        return (bits_ & bit(c)) != 0;
    }
    /// Adds `c`.
    constexpr void insert(content_coding c) noexcept { bits_ |= bit(c); }
    /// Removes `c`.
    constexpr void erase(content_coding c) noexcept { bits_ &= static_cast<std::uint8_t>(~bit(c)); }
    /// Whether no coding is in the set.
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }

    friend constexpr bool operator==(coding_set, coding_set) noexcept = default;

  private:
    static constexpr std::uint8_t bit(content_coding c) noexcept {
        return static_cast<std::uint8_t>(1u << static_cast<unsigned>(c));
    }
    std::uint8_t bits_ = 0;
};

/// Chooses the content coding of a response from the request's Accept-Encoding value
/// (RFC 9110 §12.5.3), among `available` (identity is always available).
///
/// Elements are `coding [ OWS ";" OWS "q=" qvalue ]`, compared case-insensitively; "x-gzip"
/// means gzip (RFC 9110 §8.4.1.3). `q=0` excludes a coding; `*` gives its weight to every
/// coding not named; identity is acceptable unless `identity;q=0`, or `*;q=0` without an
/// identity element. A malformed element (bad qvalue, bad token, other parameters) is ignored,
/// the rest of the field still counts. The highest weight wins; ties prefer br, then zstd,
/// then gzip, then identity. An empty or absent field means identity only (pass "").
///
/// @returns the coding to use, or nullopt when not even identity is acceptable (the caller may
/// answer 406 or, as most servers do, send identity anyway).
[[nodiscard]] std::optional<content_coding>
choose_coding(std::string_view accept_encoding, coding_set available = coding_set::all()) noexcept;

/// The compression level used when none is given: gzip 6, br 5, zstd 3 (identity: 0).
[[nodiscard]] int default_level(content_coding c) noexcept;

/// Compresses `data` with coding `c` at `level`, which is clamped to the coding's range
/// (gzip 1–9, br 0–11, zstd 1–19). gzip output has the gzip wrapper (zlib windowBits 31);
/// identity returns a copy. Errors: `std::errc::not_enough_memory` when a library cannot
/// allocate its state, `std::errc::io_error` for any other library failure.
[[nodiscard]] expected<std::string, std::error_code> compress(std::string_view data,
                                                              content_coding c, int level);

/// Decompresses `data` coded with `c`, producing at most `max_size` bytes.
///
/// Errors: `std::errc::value_too_large` when the output would exceed `max_size` (a
/// decompression bomb stops there, without allocating more), `std::errc::bad_message` for
/// corrupt, truncated or trailing data, `std::errc::not_enough_memory` as for `compress`.
[[nodiscard]] expected<std::string, std::error_code>
decompress(std::string_view data, content_coding c, std::size_t max_size);

/// What `compress_response` may do.
struct compress_options {
    coding_set codings = coding_set::all(); ///< the codings it may use
    std::size_t min_size = 256; ///< smaller bodies are sent as they are (not worth the headers)
    int gzip_level = default_level(content_coding::gzip); ///< see `compress`
    int br_level = default_level(content_coding::br);     ///< see `compress`
    int zstd_level = default_level(content_coding::zstd); ///< see `compress`
};

/// The level `opts` gives coding `c`.
[[nodiscard]] int level_for(const compress_options& opts, content_coding c) noexcept;

/// Adds `Accept-Encoding` to the Vary header of `r`: sets `Vary: Accept-Encoding` when there is
/// none, appends ", Accept-Encoding" to an existing one unless it already names it
/// (case-insensitively) or is "*" (RFC 9110 §12.5.5).
void add_vary_accept_encoding(response& r);

/// The entity-tag of representation coded with `c`, derived from the identity one: the coding
/// name is appended inside the quotes (`"abc"` → `"abc-br"`, `W/"abc"` → `W/"abc-br"`), so a
/// cache never confuses the two. Identity, and a value that is not an entity-tag, are
/// returned unchanged.
[[nodiscard]] std::string etag_for_coding(std::string_view etag, content_coding c);

/// Compresses the string body of `r` in place for a request whose Accept-Encoding is
/// `accept_encoding` ("" when absent); meant as middleware for dynamic responses.
///
/// Nothing is done when `r` already has a Content-Encoding, or its Content-Type is missing or
/// not compressible (`is_compressible`). Otherwise `Vary: Accept-Encoding` is always added
/// (`add_vary_accept_encoding`), and the body is compressed when the status carries a body and
/// is not 206 (a range is of the identity representation), the body is a string of at least
/// `opts.min_size` bytes, `choose_coding` picks a coding other than identity, and the result
/// is smaller. Then Content-Encoding is set, the ETag gets the coding suffix
/// (`etag_for_coding`) and Accept-Ranges is removed (ranges are not served for it).
///
/// @returns whether the body was compressed.
bool compress_response(response& r, std::string_view accept_encoding,
                       const compress_options& opts = {});

} // namespace weft::http
