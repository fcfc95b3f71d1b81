#include <weft/http/date.hpp>
#include <weft/http/mime.hpp>
#include <weft/http/target_path.hpp>
#include <weft/server/static_files.hpp>

#include <cerrno>
#include <string>

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace weft::server {

namespace {

using http::response;
using http::status;

// openat2 beneath `dir`: symlinks may be followed only while they stay inside (EXDEV if not).
int open_beneath(int dir, const std::string& path, int flags) noexcept {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
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

// RFC 9110 §13.1.2: If-None-Match is a list of entity tags, or "*"; weak comparison.
bool none_match(std::string_view header, std::string_view etag) {
    if (header.find('*') != std::string_view::npos) {
        return true;
    }
    return header.find(etag) != std::string_view::npos; // W/ prefixes compare equal
}

} // namespace

expected<static_files, std::error_code> static_files::open(const std::string& root) {
    const int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return unexpected(std::error_code(errno, std::system_category()));
    }
    return static_files(fd);
}

static_files::static_files(static_files&& o) noexcept : root_fd_(o.root_fd_) {
    o.root_fd_ = -1;
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
    const std::string_view target = head.target.substr(0, head.target.find('?'));
    auto path = http::make_safe_path(target);
    if (!path) {
        return response::problem(status::bad_request, http::describe(path.error()));
    }
    int fd = open_beneath(root_fd_, path->relative, O_RDONLY);
    if (fd < 0) {
        return error_for_errno(errno);
    }
    struct stat st {};
    ::fstat(fd, &st);
    std::string served = path->relative;
    if (S_ISDIR(st.st_mode)) {
        if (!path->directory) {
            // "/docs" names a directory: send the client to "/docs/" so relative links work.
            ::close(fd);
            response r(status::moved_permanently);
            r.set("Location", fmt::format("{}/", target));
            return r;
        }
        const int index = open_beneath(fd, "index.html", O_RDONLY);
        const int err = errno;
        ::close(fd);
        if (index < 0) {
            return error_for_errno(err);
        }
        fd = index;
        ::fstat(fd, &st);
        served = "index.html";
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return response::problem(status::forbidden, "not a regular file");
    }
    const std::string etag = etag_of(st);
    char modified[http::http_date_length];
    http::format_http_date(st.st_mtim.tv_sec, modified);
    bool not_modified = false;
    if (const auto inm = head.find("If-None-Match")) {
        not_modified = none_match(*inm, etag);
    } else if (const auto ims = head.find("If-Modified-Since")) {
        const auto since = http::parse_http_date(*ims);
        not_modified = since && st.st_mtim.tv_sec <= *since;
    }
    response r(not_modified ? status::not_modified : status::ok);
    r.set("ETag", etag);
    r.set("Last-Modified", std::string(modified, sizeof modified));
    if (not_modified) {
        ::close(fd);
        return r;
    }
    r.set("Content-Type", std::string(http::mime_type_for(served)));
    r.set("X-Content-Type-Options", "nosniff");
    // A small file goes out in the same gather write as the head: one syscall instead of a
    // send and a sendfile (bench/http.sh showed the extra syscalls are what costs).
    constexpr off_t small_file = 16 * 1024;
    if (st.st_size <= small_file) {
        std::string body(static_cast<std::size_t>(st.st_size), '\0');
        std::size_t got = 0;
        while (got < body.size()) {
            const ssize_t n =
                ::pread(fd, body.data() + got, body.size() - got, static_cast<off_t>(got));
            if (n <= 0) {
                break;
            }
            got += static_cast<std::size_t>(n);
        }
        ::close(fd);
        if (got != body.size()) {
            return response::problem(status::internal_server_error, "cannot read the file");
        }
        r.set_body(std::move(body));
        return r;
    }
    r.set_owned_file({fd, 0, static_cast<std::size_t>(st.st_size)});
    return r;
}

} // namespace weft::server
