#include <weft/http/mime.hpp>

#include <array>
#include <cstddef>

namespace weft::http {

namespace {

struct entry {
    std::string_view extension; // lower case, without the dot
    std::string_view type;
};

// The common web types (a subset of nginx's mime.types and IANA's registry).
constexpr std::array<entry, 48> types{{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"rss", "application/rss+xml"},
    {"atom", "application/atom+xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"bmp", "image/bmp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"br", "application/x-brotli"},
    {"zst", "application/zstd"},
    {"tar", "application/x-tar"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"flac", "audio/flac"},
    {"m3u8", "application/vnd.apple.mpegurl"},
    {"ts", "video/mp2t"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"toml", "application/toml"},
    {"sh", "text/x-shellscript; charset=utf-8"},
    {"bin", "application/octet-stream"},
}};

constexpr char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool equals_lower(std::string_view text, std::string_view lower_word) noexcept {
    if (text.size() != lower_word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != lower_word[i]) {
            return false;
        }
    }
    return true;
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.substr(0, prefix.size()) == prefix;
}

} // namespace

std::string_view mime_type_for(std::string_view path) noexcept {
    const std::size_t slash = path.find_last_of('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.find_last_of('.');
    // No dot, or a dot file such as ".htaccess": no extension.
    if (dot == std::string_view::npos || dot == 0) {
        return "application/octet-stream";
    }
    const std::string_view ext = name.substr(dot + 1);
    for (const auto& e : types) {
        if (equals_lower(ext, e.extension)) {
            return e.type;
        }
    }
    return "application/octet-stream";
}

bool is_compressible(std::string_view media_type) noexcept {
    const std::string_view type = media_type.substr(0, media_type.find(';'));
    return starts_with(type, "text/") || type == "application/json" ||
           type == "application/manifest+json" || type == "application/xml" ||
           type == "application/rss+xml" || type == "application/atom+xml" ||
           type == "image/svg+xml" || type == "application/wasm" || type == "application/yaml" ||
           type == "application/toml" || type == "image/x-icon" || type == "image/bmp" ||
           type == "font/ttf" || type == "font/otf";
}

} // namespace weft::http
