#include <weft/io/loop.hpp>
#include <weft/server/access_log.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace weft::server {
namespace {

constexpr std::size_t flush_at = 32 * 1024;

void write_all(int fd, std::string_view data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return; // a full disk must not stop the server; the lines are dropped
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

// One thread's pending lines for one log; written when the thread ends, too. It shares the
// log's descriptor (`keep`), so a thread that outlives the log still writes to the right
// file: the descriptor is closed only when the log and every thread's buffer are gone.
struct thread_buffer {
    std::shared_ptr<const void> keep;
    int fd = -1;
    std::string text;
    ~thread_buffer() {
        if (!text.empty()) {
            write_all(fd, text);
        }
    }
};

std::vector<std::unique_ptr<thread_buffer>>& thread_buffers() {
    thread_local std::vector<std::unique_ptr<thread_buffer>> buffers;
    return buffers;
}

// Keyed by the shared descriptor, whose address cannot be reused while a buffer holds it.
// (A template so that the lookup copies no shared_ptr: no atomic count per request.)
template <class Sink> thread_buffer& buffer_for(const std::shared_ptr<Sink>& keep) {
    auto& buffers = thread_buffers();
    for (auto& b : buffers) {
        if (b->keep.get() == keep.get()) {
            return *b;
        }
    }
    auto b = std::make_unique<thread_buffer>();
    b->keep = keep;
    b->fd = keep->fd;
    b->text.reserve(flush_at + 1024);
    buffers.push_back(std::move(b));
    return *buffers.back();
}

// "[25/Nov/2026:07:08:13 +0000]" for the current second, formatted once per second per thread.
std::string_view local_time() {
    thread_local std::time_t cached_at = 0;
    thread_local char text[40] = {};
    thread_local std::size_t length = 0;
    const std::time_t now = std::time(nullptr);
    if (now != cached_at) {
        std::tm tm{};
        ::localtime_r(&now, &tm);
        length = std::strftime(text, sizeof text, "[%d/%b/%Y:%H:%M:%S %z]", &tm);
        cached_at = now;
    }
    return {text, length};
}

// Appends `s` for a quoted field: `"` and `\` escaped, other bytes outside 0x20..0x7e as \xHH.
void append_escaped(std::string& out, std::string_view s) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c < 0x20 || c > 0x7e) {
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        } else {
            out.push_back(ch);
        }
    }
}

void append_quoted_header(std::string& out, const http::request& r, std::string_view name) {
    out.push_back('"');
    if (auto v = r.header(name); v && !v->empty()) {
        append_escaped(out, *v);
    } else {
        out.push_back('-');
    }
    out.push_back('"');
}

task<http::response> log_around(const access_log& log, http::request& r,
                                const http::handler& next) {
    http::response out = co_await next(r);
    log.log(r, out);
    co_return out;
}

} // namespace

struct access_log::sink {
    int fd;
    bool owned;
    sink(int f, bool o) noexcept : fd(f), owned(o) {}
    sink(const sink&) = delete;
    sink& operator=(const sink&) = delete;
    ~sink() {
        if (owned) {
            ::close(fd);
        }
    }
};

expected<std::shared_ptr<access_log>, std::string> access_log::open(const std::string& where) {
    if (where == "-") {
        return std::shared_ptr<access_log>(
            new access_log(std::make_shared<sink>(STDOUT_FILENO, false)));
    }
    if (where.empty()) {
        return unexpected(std::string("the access log needs a file name, or - for stdout"));
    }
    const int fd = ::open(where.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return unexpected(fmt::format("\"{}\": {}", where, std::strerror(errno)));
    }
    return std::shared_ptr<access_log>(new access_log(std::make_shared<sink>(fd, true)));
}

access_log::~access_log() {
    // This thread's lines now, and its buffer goes (it would keep the file open).
    auto& buffers = thread_buffers();
    for (auto it = buffers.begin(); it != buffers.end(); ++it) {
        if ((*it)->keep.get() == sink_.get()) {
            buffers.erase(it); // ~thread_buffer writes what is pending
            break;
        }
    }
}

void access_log::log(const http::request& r, const http::response& out) const {
    thread_buffer& b = buffer_for(sink_);
    std::string& line = b.text;
    const auto& peer = r.peer();
    if (peer.port() != 0) {
        fmt::format_to(std::back_inserter(line), "{}", peer.address());
    } else {
        line.push_back('-');
    }
    line += " - - ";
    line += local_time();
    line += " \"";
    append_escaped(line, r.method());
    line.push_back(' ');
    append_escaped(line, r.target());
    line += r.head().version == http::http_version::http_1_0 ? " HTTP/1.0\" " : " HTTP/1.1\" ";
    const bool head_request = r.method() == "HEAD";
    const std::uint64_t bytes = http::sends_body(out.status(), head_request) ? out.body_size() : 0;
    fmt::format_to(std::back_inserter(line), "{} {} ", static_cast<int>(out.status()), bytes);
    append_quoted_header(line, r, "Referer");
    line.push_back(' ');
    append_quoted_header(line, r, "User-Agent");
    line.push_back('\n');
    if (line.size() >= flush_at) {
        flush_this_thread();
    }
}

void access_log::flush_this_thread() const {
    thread_buffer& b = buffer_for(sink_);
    if (!b.text.empty()) {
        write_all(b.fd, b.text);
        b.text.clear();
    }
}

http::middleware access_log::middleware() const {
    return
        [this](http::request& r, const http::handler& next) { return log_around(*this, r, next); };
}

task<void> access_log::flusher() const {
    for (;;) {
        auto slept = co_await io::sleep_for(std::chrono::seconds(1));
        flush_this_thread();
        if (!slept) {
            co_return; // cancelled: the server is stopping (the thread's end flushes the rest)
        }
    }
}

} // namespace weft::server
