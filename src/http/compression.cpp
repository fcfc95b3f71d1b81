#include <weft/http/compression.hpp>
#include <weft/http/mime.hpp>
#include <weft/http/request_parser.hpp>

#include <algorithm>
#include <array>
#include <memory>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

namespace weft::http {

namespace {

using detail::iequals;

std::error_code err(std::errc e) {
    return std::make_error_code(e);
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_token(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), detail::is_token_char);
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110 §12.4.2), in
// thousandths; -1 when malformed.
int parse_qvalue(std::string_view s) noexcept {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) {
        return -1;
    }
    int q = (s[0] - '0') * 1000;
    if (s.size() == 1) {
        return q;
    }
    if (s[1] != '.' || s.size() > 5) {
        return -1;
    }
    int scale = 100;
    for (const char c : s.substr(2)) {
        if (c < '0' || c > '9') {
            return -1;
        }
        q += (c - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

// Index into the weight table: one slot per coding, plus '*'.
constexpr std::size_t star = 4;

std::optional<std::size_t> slot_of(std::string_view coding) noexcept {
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
        return static_cast<std::size_t>(content_coding::gzip);
    }
    if (iequals(coding, "br")) {
        return static_cast<std::size_t>(content_coding::br);
    }
    if (iequals(coding, "zstd")) {
        return static_cast<std::size_t>(content_coding::zstd);
    }
    if (iequals(coding, "identity")) {
        return static_cast<std::size_t>(content_coding::identity);
    }
    if (coding == "*") {
        return star;
    }
    return std::nullopt; // deflate, compress, ...: not ours, but still a valid element
}

struct zlib_stream {
    z_stream s{};
    bool deflating = false;
    ~zlib_stream() {
        if (deflating) {
            deflateEnd(&s);
        } else {
            inflateEnd(&s);
        }
    }
};

expected<std::string, std::error_code> gzip_compress(std::string_view data, int level) {
    zlib_stream z;
    // windowBits 31 = 15 + 16: the gzip wrapper, not zlib's (RFC 9110 §8.4.1.3).
    if (deflateInit2(&z.s, std::clamp(level, 1, 9), Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return unexpected(err(std::errc::not_enough_memory));
    }
    z.deflating = true;
    std::string out(deflateBound(&z.s, static_cast<uLong>(data.size())), '\0');
    z.s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.s.avail_in = static_cast<uInt>(data.size());
    z.s.next_out = reinterpret_cast<Bytef*>(out.data());
    z.s.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z.s, Z_FINISH) != Z_STREAM_END) {
        return unexpected(err(std::errc::io_error));
    }
    out.resize(z.s.total_out);
    return out;
}

expected<std::string, std::error_code> gzip_decompress(std::string_view data, std::size_t max) {
    zlib_stream z;
    if (inflateInit2(&z.s, 31) != Z_OK) {
        return unexpected(err(std::errc::not_enough_memory));
    }
    z.s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.s.avail_in = static_cast<uInt>(data.size());
    std::string out;
    std::array<char, 16384> buf{};
    for (;;) {
        z.s.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.s.avail_out = static_cast<uInt>(buf.size());
        const int rc = inflate(&z.s, Z_NO_FLUSH);
        const std::size_t got = buf.size() - z.s.avail_out;
        if (out.size() + got > max) {
            return unexpected(err(std::errc::value_too_large));
        }
        out.append(buf.data(), got);
        if (rc == Z_STREAM_END) {
            if (z.s.avail_in != 0) {
                return unexpected(err(std::errc::bad_message)); // trailing bytes
            }
            return out;
        }
        if (rc == Z_MEM_ERROR) {
            return unexpected(err(std::errc::not_enough_memory));
        }
        if (rc != Z_OK || (got == 0 && z.s.avail_in == 0)) {
            return unexpected(err(std::errc::bad_message)); // corrupt or truncated
        }
    }
}

expected<std::string, std::error_code> br_compress(std::string_view data, int level) {
    std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
    if (size == 0) {
        return unexpected(err(std::errc::value_too_large));
    }
    std::string out(size, '\0');
    if (BrotliEncoderCompress(std::clamp(level, 0, 11), BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                              data.size(), reinterpret_cast<const std::uint8_t*>(data.data()),
                              &size, reinterpret_cast<std::uint8_t*>(out.data())) != BROTLI_TRUE) {
        return unexpected(err(std::errc::io_error));
    }
    out.resize(size);
    return out;
}

expected<std::string, std::error_code> br_decompress(std::string_view data, std::size_t max) {
    const std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> d(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), &BrotliDecoderDestroyInstance);
    if (!d) {
        return unexpected(err(std::errc::not_enough_memory));
    }
    auto next_in = reinterpret_cast<const std::uint8_t*>(data.data());
    std::size_t avail_in = data.size();
    std::string out;
    std::array<std::uint8_t, 16384> buf{};
    for (;;) {
        std::uint8_t* next_out = buf.data();
        std::size_t avail_out = buf.size();
        const auto rc = BrotliDecoderDecompressStream(d.get(), &avail_in, &next_in, &avail_out,
                                                      &next_out, nullptr);
        const std::size_t got = buf.size() - avail_out;
        if (out.size() + got > max) {
            return unexpected(err(std::errc::value_too_large));
        }
        out.append(reinterpret_cast<const char*>(buf.data()), got);
        if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
            if (avail_in != 0) {
                return unexpected(err(std::errc::bad_message));
            }
            return out;
        }
        if (rc == BROTLI_DECODER_RESULT_ERROR || rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            return unexpected(err(std::errc::bad_message));
        }
    }
}

expected<std::string, std::error_code> zstd_compress(std::string_view data, int level) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n =
        ZSTD_compress(out.data(), out.size(), data.data(), data.size(), std::clamp(level, 1, 19));
    if (ZSTD_isError(n) != 0) {
        return unexpected(err(std::errc::io_error));
    }
    out.resize(n);
    return out;
}

expected<std::string, std::error_code> zstd_decompress(std::string_view data, std::size_t max) {
    const std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> d(ZSTD_createDStream(),
                                                                       &ZSTD_freeDStream);
    if (!d) {
        return unexpected(err(std::errc::not_enough_memory));
    }
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::string out;
    std::array<char, 16384> buf{};
    std::size_t hint = 1; // nonzero: a frame is expected
    while (in.pos < in.size || hint != 0) {
        ZSTD_outBuffer o{buf.data(), buf.size(), 0};
        const std::size_t before = in.pos;
        hint = ZSTD_decompressStream(d.get(), &o, &in);
        if (ZSTD_isError(hint) != 0) {
            return unexpected(err(std::errc::bad_message));
        }
        if (out.size() + o.pos > max) {
            return unexpected(err(std::errc::value_too_large));
        }
        out.append(buf.data(), o.pos);
        if (hint != 0 && in.pos == in.size && in.pos == before && o.pos < o.size) {
            return unexpected(err(std::errc::bad_message)); // truncated: no progress possible
        }
    }
    return out;
}

} // namespace

std::string_view to_string(content_coding c) noexcept {
    switch (c) {
    case content_coding::gzip:
        return "gzip";
    case content_coding::br:
        return "br";
    case content_coding::zstd:
        return "zstd";
    case content_coding::identity:
        break;
    }
    return "identity";
}

std::optional<content_coding> choose_coding(std::string_view accept_encoding,
                                            coding_set available) noexcept {
    // Weights in thousandths; -1 = not named.
    std::array<int, 5> weight{-1, -1, -1, -1, -1};
    while (!accept_encoding.empty()) {
        const auto comma = accept_encoding.find(',');
        std::string_view element = accept_encoding.substr(0, comma);
        accept_encoding.remove_prefix(comma == std::string_view::npos ? accept_encoding.size()
                                                                      : comma + 1);
        element = trim(element);
        if (element.empty()) {
            continue; // empty list elements are allowed (RFC 9110 §5.6.1.2)
        }
        const auto semi = element.find(';');
        const std::string_view coding = trim(element.substr(0, semi));
        int q = 1000;
        if (semi != std::string_view::npos) {
            const std::string_view param = trim(element.substr(semi + 1));
            if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') {
                continue; // only a weight may follow a coding (RFC 9110 §12.5.3)
            }
            q = parse_qvalue(param.substr(2));
        }
        if (q < 0 || !(coding == "*" || is_token(coding))) {
            continue;
        }
        if (const auto slot = slot_of(coding); slot && weight[*slot] < 0) {
            weight[*slot] = q; // the first mention of a coding counts
        }
    }
    const auto weight_of = [&](content_coding c) {
        const int w = weight[static_cast<std::size_t>(c)];
        if (w >= 0) {
            return w;
        }
        if (c == content_coding::identity) {
            // Always acceptable unless excluded, explicitly or by "*;q=0" (RFC 9110 §12.5.3);
            // weight 1 would let it beat every coding, so it only wins when nothing else does.
            return weight[star] == 0 ? 0 : 1;
        }
        return weight[star] < 0 ? 0 : weight[star];
    };
    std::optional<content_coding> best;
    int best_weight = 0;
    for (const auto c : {content_coding::br, content_coding::zstd, content_coding::gzip,
                         content_coding::identity}) {
        if (c != content_coding::identity && !available.contains(c)) {
            continue;
        }
        const int w = weight_of(c);
        if (w > best_weight) { // strictly greater: earlier codings win ties
            best = c;
            best_weight = w;
        }
    }
    return best;
}

int default_level(content_coding c) noexcept {
    switch (c) {
    case content_coding::gzip:
        return 6;
    case content_coding::br:
        return 5; // 6+ costs much more CPU per request for a few percent (nginx brotli: 6)
    case content_coding::zstd:
        return 3;
    case content_coding::identity:
        break;
    }
    return 0;
}

int level_for(const compress_options& opts, content_coding c) noexcept {
    switch (c) {
    case content_coding::gzip:
        return opts.gzip_level;
    case content_coding::br:
        return opts.br_level;
    case content_coding::zstd:
        return opts.zstd_level;
    case content_coding::identity:
        break;
    }
    return 0;
}

expected<std::string, std::error_code> compress(std::string_view data, content_coding c,
                                                int level) {
    switch (c) {
    case content_coding::gzip:
        return gzip_compress(data, level);
    case content_coding::br:
        return br_compress(data, level);
    case content_coding::zstd:
        return zstd_compress(data, level);
    case content_coding::identity:
        break;
    }
    return std::string(data);
}

expected<std::string, std::error_code> decompress(std::string_view data, content_coding c,
                                                  std::size_t max_size) {
    switch (c) {
    case content_coding::gzip:
        return gzip_decompress(data, max_size);
    case content_coding::br:
        return br_decompress(data, max_size);
    case content_coding::zstd:
        return zstd_decompress(data, max_size);
    case content_coding::identity:
        break;
    }
    if (data.size() > max_size) {
        return unexpected(err(std::errc::value_too_large));
    }
    return std::string(data);
}

void add_vary_accept_encoding(response& r) {
    const auto vary = r.find("Vary");
    if (!vary) {
        r.set("Vary", "Accept-Encoding");
        return;
    }
    std::string_view rest = *vary;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        if (item == "*" || iequals(item, "accept-encoding")) {
            return;
        }
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    const std::string_view existing = trim(*vary);
    r.set("Vary", existing.empty() ? std::string("Accept-Encoding")
                                   : std::string(existing) + ", Accept-Encoding");
}

std::string etag_for_coding(std::string_view etag, content_coding c) {
    const std::size_t open = etag.substr(0, 2) == "W/" ? 2 : 0;
    if (c == content_coding::identity || etag.size() < open + 2 || etag[open] != '"' ||
        etag.back() != '"') {
        return std::string(etag);
    }
    std::string out(etag.substr(0, etag.size() - 1));
    out += '-';
    out += to_string(c);
    out += '"';
    return out;
}

bool compress_response(response& r, std::string_view accept_encoding,
                       const compress_options& opts) {
    if (r.find("Content-Encoding")) {
        return false;
    }
    const auto type = r.find("Content-Type");
    if (!type || !is_compressible(*type)) {
        return false;
    }
    // Whatever happens to this body, the answer depends on Accept-Encoding (RFC 9110 §12.5.5).
    add_vary_accept_encoding(r);
    const std::string* body = r.body_string();
    if (body == nullptr || body->size() < opts.min_size || r.status() == status::partial_content ||
        !sends_body(r.status(), false)) {
        return false;
    }
    const auto coding = choose_coding(accept_encoding, opts.codings);
    if (!coding || *coding == content_coding::identity) {
        return false;
    }
    auto packed = compress(*body, *coding, level_for(opts, *coding));
    if (!packed || packed->size() >= body->size()) {
        return false;
    }
    r.set_body(std::move(*packed));
    r.set("Content-Encoding", std::string(to_string(*coding)));
    if (const auto etag = r.find("ETag")) {
        r.set("ETag", etag_for_coding(*etag, *coding));
    }
    r.erase("Accept-Ranges");
    return true;
}

} // namespace weft::http
