#include <weft/http/byte_range.hpp>
#include <weft/http/compression.hpp>
#include <weft/http/date.hpp>
#include <weft/http/mime.hpp>
#include <weft/http/request.hpp>
#include <weft/http/target_path.hpp>
#include <weft/server/file_cache.hpp>
#include <weft/server/static_files.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace weft::server {

namespace {

using http::byte_range;
using http::coalesce;
using http::content_coding;
using http::owned_fd;
using http::parse_range;
using http::range_spec;
using http::response;
using http::satisfiable;
using http::status;

// A small file goes out in the same gather write as the head: one syscall instead of a
// send and a sendfile (bench/http.sh showed the extra syscalls are what costs).
constexpr off_t small_file = 16 * 1024;
// nginx's max_ranges: more ranges than this and the whole file is sent (RFC 9110 §14.3 lets
// a server ignore a Range it finds abusive).
constexpr std::size_t max_ranges = 16;
// A multipart/byteranges body is built in memory; past this the whole file goes by sendfile.
constexpr std::uint64_t max_multipart_body = 16 * 1024 * 1024;
// Smaller files are not worth compressing (the same threshold as compress_options).
constexpr off_t min_compress = 256;

// openat2 beneath `dir`. Without follow_symlinks, symlinks are followed only while they stay
// beneath the root (RESOLVE_BENEATH: one leaving it fails with EXDEV); with it, symlinks go
// wherever they point, and only the request path is confined (no ".." after make_safe_path).
int open_at(int dir, const std::string& path, int flags, bool follow_symlinks) noexcept {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.resolve = follow_symlinks ? RESOLVE_NO_MAGICLINKS : RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd =
        ::syscall(SYS_openat2, dir, path.empty() ? "." : path.c_str(), &how, sizeof how);
    return static_cast<int>(fd);
}

response error_for_errno(int err) {
    switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
        return response::problem(status::not_found, "no such file");
    case EXDEV:
    case ELOOP:
        return response::problem(status::forbidden, "the path leaves the document root");
    case EACCES:
    case EPERM:
        return response::problem(status::forbidden, "permission denied");
    default:
        return response::problem(status::internal_server_error, "cannot open the file");
    }
}

std::string etag_of(const struct stat& st) {
    // Size and modification time in ns: changes whenever the content is replaced.
    const auto ns = static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec);
    return fmt::format("\"{:x}-{:x}\"", static_cast<unsigned long long>(st.st_size), ns);
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

// Whether the entity-tag list `header` ("*" or 1#entity-tag) matches `etag`, one of ours
// (always strong). Strong comparison (RFC 9110 §8.8.3.2) refuses W/ tags; weak accepts them.
// A malformed list matches nothing.
bool etag_matches(std::string_view header, std::string_view etag, bool strong) {
    std::size_t i = 0;
    const auto skip = [&] {
        while (i < header.size() && (is_ows(header[i]) || header[i] == ',')) {
            ++i;
        }
    };
    skip();
    if (i < header.size() && header[i] == '*') {
        return true;
    }
    while (i < header.size()) {
        bool weak = false;
        if (header.substr(i, 2) == "W/") {
            weak = true;
            i += 2;
        }
        if (i >= header.size() || header[i] != '"') {
            return false;
        }
        const auto close = header.find('"', i + 1);
        if (close == std::string_view::npos) {
            return false;
        }
        if (header.substr(i, close + 1 - i) == etag && !(strong && weak)) {
            return true;
        }
        i = close + 1;
        skip();
    }
    return false;
}

bool read_at(int fd, char* out, std::size_t length, off_t offset) noexcept {
    std::size_t got = 0;
    while (got < length) {
        const ssize_t n = ::pread(fd, out + got, length - got, offset + static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        got += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::string> read_string(int fd, std::size_t length, off_t offset) {
    std::string body(length, '\0');
    if (!read_at(fd, body.data(), length, offset)) {
        return std::nullopt;
    }
    return body;
}

response cannot_read() {
    return response::problem(status::internal_server_error, "cannot read the file");
}

std::string boundary() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("weft-{:016x}{:016x}", random(), random());
}

std::string_view sibling_suffix(content_coding c) noexcept {
    switch (c) {
    case content_coding::br:
        return ".br";
    case content_coding::zstd:
        return ".zst";
    case content_coding::gzip:
        return ".gz";
    case content_coding::identity:
        break;
    }
    return "";
}

void append_html_escaped(std::string& out, std::string_view s) {
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
}

// Everything but unreserved characters (RFC 3986 §2.3) is escaped, so a name can hold
// '?', '#', '%', ':' or spaces and still link to itself.
void append_percent_encoded(std::string& out, std::string_view s) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
}

struct dir_entry {
    std::string name;
    bool directory = false;
    std::uint64_t size = 0;
    std::time_t mtime = 0;
};

response listing(int dir_fd, const std::string& relative, bool follow_symlinks) {
    const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return error_for_errno(errno);
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
        ::close(fd);
        return response::problem(status::internal_server_error, "cannot read the directory");
    }
    std::vector<dir_entry> entries;
    while (const dirent* e = ::readdir(dir)) {
        const std::string_view name = e->d_name;
        if (name.empty() || name.front() == '.') {
            continue; // ".", ".." and hidden files
        }
        struct stat st {};
        if (::fstatat(fd, e->d_name, &st, follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
            continue; // vanished, or a dangling symlink
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            continue; // symlinks that would not be followed, devices, sockets
        }
        entries.push_back({std::string(name), S_ISDIR(st.st_mode),
                           static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec});
    }
    ::closedir(dir);
    std::sort(entries.begin(), entries.end(), [](const dir_entry& a, const dir_entry& b) {
        return a.directory != b.directory ? a.directory : a.name < b.name;
    });
    const std::string path = relative.empty() ? "/" : "/" + relative + "/";
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ";
    append_html_escaped(html, path);
    html += "</title></head>\n<body>\n<h1>Index of ";
    append_html_escaped(html, path);
    html += "</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Modified</th></tr>\n";
    if (!relative.empty()) {
        html += "<tr><td><a href=\"../\">../</a></td><td>-</td><td></td></tr>\n";
    }
    for (const auto& e : entries) {
        html += "<tr><td><a href=\"";
        append_percent_encoded(html, e.name);
        html += e.directory ? "/\">" : "\">";
        append_html_escaped(html, e.name);
        html += e.directory ? "/</a></td><td>-</td><td>" : "</a></td><td>";
        if (!e.directory) {
            html += fmt::format("{}</td><td>", e.size);
        }
        char date[http::http_date_length];
        http::format_http_date(e.mtime, date);
        html.append(date, sizeof date);
        html += "</td></tr>\n";
    }
    html += "</table>\n</body></html>\n";
    return response::html(status::ok, std::move(html));
}

using entry_ptr = file_cache::entry_ptr;
using kind = cached_file::kind;

// Opens what `path` names (a directory request: its index.html), or its precompressed
// sibling when `suffix` is ".br", ".zst" or ".gz", and describes it. `previous` is what the
// cache held: when the file turns out unchanged it is returned as it is, so its content is
// not read again. Every open goes through openat2 beneath the root, as without a cache, so
// a revalidation is exactly as safe as the first open.
entry_ptr load(int root, const http::safe_path& path, std::string_view suffix, bool follow_symlinks,
               const entry_ptr& previous) {
    auto e = std::make_shared<cached_file>();
    const auto failed = [&](int err) {
        e->what = kind::error;
        e->error = err;
        return previous && previous->same_file(*e) ? previous : entry_ptr(std::move(e));
    };
    owned_fd file;
    struct stat st {};
    std::string_view name = path.relative; // what the media type comes from
    if (!suffix.empty() && !path.directory) {
        file =
            owned_fd(open_at(root, path.relative + std::string(suffix), O_RDONLY, follow_symlinks));
    } else {
        file = owned_fd(open_at(root, path.relative, O_RDONLY, follow_symlinks));
        if (file.get() < 0) {
            return failed(errno);
        }
        if (::fstat(file.get(), &st) != 0) {
            return failed(errno);
        }
        if (S_ISDIR(st.st_mode)) {
            if (!path.directory) {
                e->what = kind::directory; // "/docs": the caller redirects to "/docs/"
                return previous && previous->same_file(*e) ? previous : entry_ptr(std::move(e));
            }
            owned_fd index(
                open_at(file.get(), "index.html" + std::string(suffix), O_RDONLY, follow_symlinks));
            if (index.get() < 0) {
                const int err = errno;
                if (err != ENOENT || !suffix.empty()) {
                    return failed(err);
                }
                e->what = kind::directory; // no index.html: a listing or 403
                return previous && previous->same_file(*e) ? previous : entry_ptr(std::move(e));
            }
            file = std::move(index);
            name = "index.html";
        } else if (!suffix.empty()) {
            // "/a.css/" names a file: its siblings are beside it, as for "/a.css".
            file = owned_fd(
                open_at(root, path.relative + std::string(suffix), O_RDONLY, follow_symlinks));
        }
    }
    if (file.get() < 0) {
        return failed(errno);
    }
    if (::fstat(file.get(), &st) != 0) {
        return failed(errno);
    }
    e->what = S_ISREG(st.st_mode) ? kind::regular : kind::not_regular;
    e->size = static_cast<std::uint64_t>(st.st_size);
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    e->mtime = st.st_mtim;
    e->ctime = st.st_ctim;
    if (previous && previous->same_file(*e)) {
        return previous; // unchanged: keep its descriptor, validators and content
    }
    if (e->what != kind::regular) {
        return e;
    }
    e->etag = etag_of(st);
    char modified[http::http_date_length];
    http::format_http_date(st.st_mtim.tv_sec, modified);
    e->last_modified.assign(modified, sizeof modified);
    e->type = http::mime_type_for(name);
    if (st.st_size <= small_file) {
        e->content.resize(e->size);
        // A read that fails leaves the content out: respond() reads again and answers 500.
        e->has_content = read_at(file.get(), e->content.data(), e->size, 0);
        if (!e->has_content) {
            e->content.clear();
        }
    }
    if (!e->has_content) {
        // Only files sent from their descriptor keep one open (sendfile, or reads).
        e->fd = std::make_shared<const owned_fd>(file.release());
    }
    return e;
}

// The calling thread's caches, one per static_files instance it serves: a worker thread
// serves its connections alone, so no lock is taken.
class thread_caches {
  public:
    file_cache& of(std::uint64_t id, const std::shared_ptr<const int>& alive, std::size_t entries) {
        if (id == last_id_ && last_ != nullptr) {
            return *last_;
        }
        for (auto& s : slots_) {
            if (s.id == id) {
                last_id_ = id;
                last_ = s.cache.get();
                return *last_;
            }
        }
        // A new instance: first drop (and close the files of) those that are gone.
        std::erase_if(slots_, [](const slot& s) { return s.alive.expired(); });
        slots_.push_back({id, alive, std::make_unique<file_cache>(entries)});
        last_id_ = id;
        last_ = slots_.back().cache.get();
        return *last_;
    }

  private:
    struct slot {
        std::uint64_t id = 0;
        std::weak_ptr<const int> alive;
        std::unique_ptr<file_cache> cache;
    };
    std::vector<slot> slots_;
    std::uint64_t last_id_ = 0;
    file_cache* last_ = nullptr;
};

thread_local thread_caches caches;

std::atomic<std::uint64_t> next_cache_id{1};

// The monotonic clock at tick resolution (a few ms), which is plenty for a validity of about
// a second and cheaper to read than steady_clock::now(); both count CLOCK_MONOTONIC.
file_cache::clock::time_point coarse_now() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return file_cache::clock::time_point(std::chrono::seconds(ts.tv_sec) +
                                         std::chrono::nanoseconds(ts.tv_nsec));
}

// The safe path of a target that is already canonical: no '%' escapes, no backslash, no
// control byte, and no empty, "." or ".." segment but a final empty one ("/docs/"). That is
// what nearly every request looks like, and then make_safe_path would answer the same
// without its per-segment copies; anything else goes to make_safe_path.
std::optional<http::safe_path> canonical_path(std::string_view target) {
    if (target.empty() || target.front() != '/') {
        return std::nullopt;
    }
    std::size_t segment_start = 1;
    for (std::size_t i = 1; i <= target.size(); ++i) {
        const char c = i < target.size() ? target[i] : '/';
        const auto u = static_cast<unsigned char>(c);
        if (c == '%' || c == '\\' || u < 0x20 || u == 0x7f) {
            return std::nullopt;
        }
        if (c != '/') {
            continue;
        }
        const std::string_view segment = target.substr(segment_start, i - segment_start);
        if (segment == "." || segment == ".." || (segment.empty() && i != target.size())) {
            return std::nullopt;
        }
        segment_start = i + 1;
    }
    http::safe_path out;
    const bool directory = target.back() == '/';
    out.relative.assign(target.substr(1, target.size() - 1 - (directory && target.size() > 1)));
    out.directory = directory;
    return out;
}

// The cache key of `path`'s representation: the relative path (never holding NUL), NUL,
// 'd' or 'f' (a directory request or not), and the sibling's suffix. Built in a per-thread
// buffer, so a lookup allocates nothing.
std::string_view cache_key(const http::safe_path& path, std::string_view suffix) {
    thread_local std::string key;
    key.assign(path.relative);
    key += '\0';
    key += path.directory ? 'd' : 'f';
    key += suffix;
    return key;
}

} // namespace

expected<static_files, std::error_code> static_files::open(const std::string& root,
                                                           static_files_options options) {
    const int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return unexpected(std::error_code(errno, std::system_category()));
    }
    return static_files(fd, options);
}

static_files::static_files(int root_fd, static_files_options options)
    : root_fd_(root_fd), options_(options),
      cache_id_(next_cache_id.fetch_add(1, std::memory_order_relaxed)),
      alive_(std::make_shared<const int>(0)) {}

static_files::static_files(static_files&& o) noexcept
    : root_fd_(o.root_fd_), options_(o.options_), cache_id_(o.cache_id_),
      alive_(std::move(o.alive_)) {
    o.root_fd_ = -1;
    o.cache_id_ = 0;
}

static_files::~static_files() {
    if (root_fd_ >= 0) {
        ::close(root_fd_);
    }
}

response static_files::respond(const http::request_head& head) const {
    const bool get = head.method == "GET";
    if (!get && head.method != "HEAD") {
        auto r = response::problem(status::method_not_allowed, "static files answer GET and HEAD");
        r.set("Allow", "GET, HEAD");
        return r;
    }
    // The path, also of an absolute-form target ("GET http://host/a HTTP/1.1", which a
    // server MUST accept: RFC 9112 §3.2.2).
    const std::string_view target = http::request(head, {}).path();
    auto safe = canonical_path(target);
    if (!safe) {
        auto decoded = http::make_safe_path(target);
        if (!decoded) {
            return response::problem(status::bad_request, http::describe(decoded.error()));
        }
        safe = std::move(*decoded);
    }
    const http::safe_path* path = &*safe;
    const bool follow = options_.follow_symlinks;
    file_cache& cache = caches.of(cache_id_, alive_, options_.cache_entries);
    const auto now = coarse_now();
    const file_cache::clock::duration valid = options_.cache_valid;
    const auto lookup = [&](std::string_view suffix) {
        return cache.get(cache_key(*path, suffix), now, valid, [&](const entry_ptr& previous) {
            return load(root_fd_, *path, suffix, follow, previous);
        });
    };
    entry_ptr file = lookup("");
    switch (file->what) {
    case kind::error:
        return error_for_errno(file->error);
    case kind::not_regular:
        return response::problem(status::forbidden, "not a regular file");
    case kind::directory: {
        if (!path->directory) {
            // "/docs" names a directory: send the client to "/docs/" so relative links work.
            response r(status::moved_permanently);
            r.set("Location", fmt::format("{}/", target));
            return r;
        }
        // A directory without index.html.
        if (!options_.directory_listing) {
            return response::problem(status::forbidden, "directory listing is off");
        }
        const owned_fd dir(open_at(root_fd_, path->relative, O_RDONLY, follow));
        if (dir.get() < 0) {
            return error_for_errno(errno);
        }
        auto r = listing(dir.get(), path->relative, follow);
        if (options_.compress) {
            http::compress_response(r, head.find("Accept-Encoding").value_or(""));
        }
        return r;
    }
    case kind::regular:
        break;
    }
    const std::string_view type = file->type;
    const bool compressible = http::is_compressible(type);
    // Ranges apply to GET only (RFC 9110 §14.2) and to the identity representation: a client
    // asking for bytes of the file gets bytes of the file, never of a compressed version.
    const auto range_value = get ? head.find("Range") : std::nullopt;
    const auto ranges = range_value ? parse_range(*range_value) : std::nullopt;

    content_coding coding = content_coding::identity;
    bool on_the_fly = false;
    // Below min_compress neither a sibling nor compression is worth a syscall.
    if (compressible && !ranges && file->size >= static_cast<std::uint64_t>(min_compress) &&
        (options_.precompressed || options_.compress)) {
        if (const auto accept = head.find("Accept-Encoding")) {
            auto left = http::coding_set::all();
            while (options_.precompressed) {
                const auto c = http::choose_coding(*accept, left);
                if (!c || *c == content_coding::identity) {
                    break;
                }
                left.erase(*c);
                // Absent siblings are cached too (negative entries): no open per request.
                entry_ptr sibling = lookup(sibling_suffix(*c));
                if (sibling->what == kind::regular) {
                    file = std::move(sibling);
                    coding = *c;
                    break;
                }
            }
            if (coding == content_coding::identity && options_.compress &&
                file->size <= options_.compress_max) {
                const auto c = http::choose_coding(*accept);
                if (c && *c != content_coding::identity) {
                    coding = *c;
                    on_the_fly = true;
                }
            }
        }
    }

    const std::string& identity_etag = file->etag;
    const std::string etag_storage =
        on_the_fly ? http::etag_for_coding(identity_etag, coding) : std::string();
    const std::string& etag = on_the_fly ? etag_storage : identity_etag;
    const std::time_t mtime = file->mtime.tv_sec;

    // RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since; then If-None-Match, else
    // If-Modified-Since; If-Range last.
    if (const auto im = head.find("If-Match")) {
        if (!etag_matches(*im, etag, true)) {
            return response::problem(status::precondition_failed, "If-Match does not match");
        }
    } else if (const auto ius = head.find("If-Unmodified-Since")) {
        const auto since = http::parse_http_date(*ius);
        if (since && mtime > *since) {
            return response::problem(status::precondition_failed, "modified since");
        }
    }
    bool not_modified = false;
    if (const auto inm = head.find("If-None-Match")) {
        not_modified = etag_matches(*inm, etag, false);
    } else if (const auto ims = head.find("If-Modified-Since")) {
        const auto since = http::parse_http_date(*ims);
        not_modified = since && mtime <= *since;
    }
    // A fresh response holds none of these yet: add() them, with room for all at once.
    response r(not_modified ? status::not_modified : status::ok);
    r.reserve_headers(8);
    r.add("ETag", etag);
    r.add("Last-Modified", file->last_modified);
    if (compressible) {
        r.add("Vary", "Accept-Encoding"); // a 304 carries the Vary a 200 would (§15.4.5)
    }
    if (not_modified) {
        return r;
    }
    r.add("Content-Type", std::string(type));
    r.add("X-Content-Type-Options", "nosniff");
    const std::uint64_t size = file->size;
    // `length` bytes at `offset`: from the cached content when there is some, else read.
    const auto slice = [&](std::uint64_t offset,
                           std::uint64_t length) -> std::optional<std::string> {
        if (file->has_content) {
            return file->content.substr(static_cast<std::size_t>(offset),
                                        static_cast<std::size_t>(length));
        }
        return read_string(file->fd->get(), static_cast<std::size_t>(length),
                           static_cast<off_t>(offset));
    };

    if (on_the_fly && file->has_content) {
        // A small file is compressed once per thread and coding, and the copy is kept in the
        // cache beside it (bounded with it): browsers ask for br or gzip on every request.
        const auto compress_once = [&](const entry_ptr& previous) -> entry_ptr {
            if (previous && previous->source == file) {
                return previous;
            }
            auto e = std::make_shared<cached_file>();
            e->source = file;
            auto packed = http::compress(file->content, coding, http::default_level(coding));
            if (packed) {
                e->what = kind::regular;
                e->has_content = true;
                e->content = std::move(*packed);
                e->size = e->content.size();
            }
            return e;
        };
        const std::string suffix = "~" + std::string(http::to_string(coding));
        entry_ptr packed = cache.get(cache_key(*path, suffix), now, valid, compress_once);
        if (packed->source != file) {
            // The file changed since it was compressed: compress it again now.
            packed = cache.get(cache_key(*path, suffix), now, file_cache::clock::duration::zero(),
                               compress_once);
        }
        if (packed->what != kind::regular) {
            // Still a correct answer: the identity representation, with its own validator.
            r.set("ETag", identity_etag);
            r.add("Accept-Ranges", "bytes");
            r.set_body(file->content);
            return r;
        }
        r.add("Content-Encoding", std::string(http::to_string(coding)));
        r.set_body(packed->content);
        return r;
    }
    if (on_the_fly) {
        auto body = slice(0, size);
        if (!body) {
            return cannot_read();
        }
        auto packed = http::compress(*body, coding, http::default_level(coding));
        if (!packed) {
            // Still a correct answer: the identity representation, with its own validator.
            r.set("ETag", identity_etag);
            r.add("Accept-Ranges", "bytes");
            r.set_body(std::move(*body));
            return r;
        }
        r.add("Content-Encoding", std::string(http::to_string(coding)));
        r.set_body(std::move(*packed));
        return r;
    }
    if (coding != content_coding::identity) {
        r.add("Content-Encoding", std::string(http::to_string(coding)));
    } else {
        r.add("Accept-Ranges", "bytes");
    }

    bool use_ranges = ranges && size > 0;
    if (use_ranges) {
        if (const auto if_range = head.find("If-Range")) {
            // RFC 9110 §13.1.5: an entity-tag compares strongly; a date must be exactly
            // the Last-Modified. Anything else: the whole representation.
            if (!if_range->empty() &&
                (if_range->front() == '"' || if_range->substr(0, 2) == "W/")) {
                use_ranges = if_range->front() == '"' && *if_range == etag;
            } else {
                const auto date = http::parse_http_date(*if_range);
                use_ranges = date && *date == mtime;
            }
        }
    }
    if (use_ranges) {
        auto parts = satisfiable(*ranges, size);
        if (parts.empty()) {
            auto e = response::problem(status::range_not_satisfiable, "no satisfiable range");
            e.set("Content-Range", fmt::format("bytes */{}", size));
            e.set("Accept-Ranges", "bytes");
            return e;
        }
        if (parts.size() <= max_ranges) {
            coalesce(parts);
            std::uint64_t total = 0;
            for (const auto& p : parts) {
                total += p.length;
            }
            if (parts.size() == 1) {
                const auto& p = parts.front();
                r.set_status(status::partial_content);
                r.add("Content-Range",
                      fmt::format("bytes {}-{}/{}", p.first, p.first + p.length - 1, size));
                if (p.length <= static_cast<std::uint64_t>(small_file)) {
                    auto body = slice(p.first, p.length);
                    if (!body) {
                        return cannot_read();
                    }
                    r.set_body(std::move(*body));
                } else {
                    r.set_shared_file({file->fd->get(), static_cast<off_t>(p.first),
                                       static_cast<std::size_t>(p.length)},
                                      file->fd);
                }
                return r;
            }
            if (total <= max_multipart_body) {
                // RFC 9110 §14.6: each part with its own Content-Type and Content-Range.
                const std::string b = boundary();
                std::string body;
                body.reserve(static_cast<std::size_t>(total) + parts.size() * 160);
                for (const auto& p : parts) {
                    body += fmt::format("--{}\r\nContent-Type: {}\r\nContent-Range: bytes "
                                        "{}-{}/{}\r\n\r\n",
                                        b, type, p.first, p.first + p.length - 1, size);
                    if (file->has_content) {
                        body.append(file->content, static_cast<std::size_t>(p.first),
                                    static_cast<std::size_t>(p.length));
                    } else {
                        const std::size_t at = body.size();
                        body.resize(at + static_cast<std::size_t>(p.length));
                        if (!read_at(file->fd->get(), body.data() + at,
                                     static_cast<std::size_t>(p.length),
                                     static_cast<off_t>(p.first))) {
                            return cannot_read();
                        }
                    }
                    body += "\r\n";
                }
                body += fmt::format("--{}--\r\n", b);
                r.set_status(status::partial_content);
                r.set("Content-Type", fmt::format("multipart/byteranges; boundary={}", b));
                r.set_body(std::move(body));
                return r;
            }
        }
        // Too many ranges, or too large a multipart body: the whole file, like nginx.
    }
    if (size <= static_cast<std::uint64_t>(small_file)) {
        if (file->has_content) {
            r.set_body(file->content);
            return r;
        }
        auto body = read_string(file->fd->get(), static_cast<std::size_t>(size), 0);
        if (!body) {
            return cannot_read();
        }
        r.set_body(std::move(*body));
        return r;
    }
    r.set_shared_file({file->fd->get(), 0, static_cast<std::size_t>(size)}, file->fd);
    return r;
}

} // namespace weft::server
