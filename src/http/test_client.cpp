#include <weft/http/chunked_decoder.hpp>
#include <weft/http/test_client.hpp>

#include <exception>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

namespace weft::http {
namespace {

task<response> call(const handler& h, request& r) {
    try {
        co_return co_await h(r);
    } catch (const std::exception& e) {
        fmt::print(stderr, "weft: test_client: handler for {} {} threw: {}\n", r.method(),
                   r.target(), e.what());
    } catch (...) {
        fmt::print(stderr, "weft: test_client: handler threw a non-standard exception\n");
    }
    co_return response::problem(status::internal_server_error, "the handler failed");
}

std::string read_file_range(const file_range& f) {
    std::string out(f.length, '\0');
    std::size_t got = 0;
    while (got < f.length) {
        const ssize_t n =
            ::pread(f.fd, out.data() + got, f.length - got, f.offset + static_cast<off_t>(got));
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

test_response to_test_response(const response& r, bool head_request) {
    test_response out;
    out.status = r.status();
    out.headers = r.headers();
    if (const file_range* f = body_file(r, head_request)) {
        out.body = read_file_range(*f);
    } else {
        out.body = std::string(body_view(r, head_request));
    }
    return out;
}

// A body in memory handed out in pieces, as a streamed body arrives from a socket.
class memory_source final : public body_source {
  public:
    memory_source(std::string_view body, std::size_t piece) noexcept
        : rest_(body), piece_(piece == 0 ? 1 : piece) {}
    task<expected<std::string_view, std::error_code>> next() override {
        const std::string_view out = rest_.substr(0, piece_);
        rest_.remove_prefix(out.size());
        co_return out;
    }
    [[nodiscard]] bool finished() const noexcept override { return rest_.empty(); }

  private:
    std::string_view rest_;
    std::size_t piece_;
};

test_response problem_of(status s, std::string_view detail) {
    return to_test_response(response::problem(s, detail), false);
}

} // namespace

std::optional<std::string_view> test_response::header(std::string_view name) const noexcept {
    for (const auto& [n, v] : headers) {
        if (detail::iequals(n, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

test_client::test_client(handler h, parser_limits limits,
                         std::function<bool(const request_head&)> stream_body,
                         std::size_t piece_size)
    : handler_(std::move(h)), limits_(limits), stream_body_(std::move(stream_body)),
      piece_size_(piece_size) {
    auto l = io::loop::create();
    if (!l) {
        throw std::system_error(l.error(), "test_client: cannot create an event loop");
    }
    loop_ = std::move(*l);
}

test_client::~test_client() = default;

test_response test_client::send(std::string_view method, std::string_view target,
                                std::string_view body, const headers& extra) {
    std::string text = fmt::format("{} {} HTTP/1.1\r\n", method, target);
    bool has_host = false;
    for (const auto& [n, v] : extra) {
        has_host = has_host || detail::iequals(n, "Host");
        text += fmt::format("{}: {}\r\n", n, v);
    }
    if (!has_host) {
        text += "Host: test\r\n";
    }
    if (!body.empty()) {
        text += fmt::format("Content-Length: {}\r\n", body.size());
    }
    text += "\r\n";
    text += body;
    return send_raw(text);
}

test_response test_client::send_raw(std::string_view text) {
    request_parser parser(limits_);
    auto parsed = parser.parse(text);
    if (!parsed) {
        return problem_of(parsed.error().to_status(), describe(parsed.error().code));
    }
    if (*parsed == request_parser::incomplete) {
        return problem_of(status::bad_request, "the request head is incomplete");
    }
    const request_head& head = parser.head();
    std::string_view rest = text.substr(*parsed);
    std::string body;
    if (head.chunked) {
        chunked_decoder decoder(limits_);
        while (!rest.empty()) {
            auto p = decoder.decode(rest);
            if (!p) {
                return problem_of(p.error().to_status(), describe(p.error().code));
            }
            body.append(p->data);
            rest.remove_prefix(p->consumed);
            if (p->done || p->consumed == 0) {
                break;
            }
        }
        if (!decoder.done()) {
            return problem_of(status::bad_request, "the chunked body is incomplete");
        }
    } else if (head.content_length) {
        if (rest.size() < *head.content_length) {
            return problem_of(status::bad_request, "the body is shorter than Content-Length");
        }
        body = std::string(rest.substr(0, *head.content_length));
    }
    const bool stream = head.has_body() && stream_body_ && stream_body_(head);
    memory_source source(body, piece_size_);
    request r(head, stream ? std::string_view() : std::string_view(body));
    if (stream) {
        r.set_body_source(&source);
    }
    const response out = loop_->block_on(call(handler_, r));
    return to_test_response(out, head.method == "HEAD");
}

} // namespace weft::http
