// serve_connection on real loopback sockets, on both backends: a listener spawns a
// connection task per accept, and a raw tcp_stream client sends bytes and reads responses.

#include "../io/test_util.hpp"

#include <weft/http/date.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>
#include <weft/http/server_connection.hpp>
#include <weft/http/status.hpp>
#include <weft/io/combinators.hpp>
#include <weft/io/loop.hpp>
#include <weft/io/tcp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace std::chrono_literals;
using weft::expected;
using weft::task;
using weft::unexpected;
using weft::http::date_cache;
using weft::http::file_range;
using weft::http::request_head;
using weft::http::response;
using weft::http::server_options;
using weft::http::status;
using weft::io::steady_clock;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
using weft::io::testing::bytes_of;
using weft::io::testing::read_some_of;
namespace addr = weft::addr;
namespace testing_ = weft::io::testing;

namespace {

constexpr auto client_timeout = 3s;
constexpr std::string_view file_content = "file body, sent with sendfile\n";

int g_file_fd = -1; // the /file route's descriptor (opened by the fixture)

// The test handler: "<method> <target> <body length>", except for a few routes.
// A streamed body (see streamed_bodies below): "streamed <bytes> <sum of bytes>".
task<response> count_streamed(weft::http::request& req) {
    if (req.target() == "/stream/ignore") {
        co_return response::text(status::ok, "ignored");
    }
    std::uint64_t total = 0;
    std::uint64_t sum = 0;
    for (;;) {
        auto piece = co_await req.read_body();
        if (!piece) {
            co_return response::problem(status::bad_request, piece.error().message());
        }
        if (piece->empty()) {
            break;
        }
        total += piece->size();
        for (const char ch : *piece) {
            sum += static_cast<unsigned char>(ch);
        }
    }
    co_return response::text(status::ok,
                             "streamed " + std::to_string(total) + " " + std::to_string(sum));
}

task<response> test_handler(weft::http::request& req) {
    if (req.streamed()) {
        co_return co_await count_streamed(req);
    }
    const request_head& head = req.head();
    const std::string_view body = req.body();
    if (head.target == "/throw") {
        throw std::runtime_error("the /throw route always throws");
    }
    if (head.target == "/echo") {
        co_return response::text(status::ok, std::string(body));
    }
    if (head.target == "/file") {
        response r;
        r.set("Content-Type", "text/plain");
        r.set_file(file_range{g_file_fd, 0, file_content.size()});
        co_return r;
    }
    if (head.target == "/close") {
        response r = response::text(status::ok, "bye");
        r.set("Connection", "close");
        co_return r;
    }
    co_return response::text(status::ok, std::string(head.method) + " " + std::string(head.target) +
                                             " " + std::to_string(body.size()));
}

task<void> accept_loop(tcp_listener& l, const weft::http::handler& h, const server_options& o,
                       date_cache& dates) {
    for (;;) {
        auto s = co_await l.accept();
        if (!s) {
            co_return; // cancelled at tear-down
        }
        weft::io::loop::current()->spawn(weft::http::serve_connection(std::move(*s), h, o, dates));
    }
}

// --- the client side ------------------------------------------------------------------------

struct client_response {
    int status = 0;
    std::string head;
    std::string body;
    [[nodiscard]] bool has(std::string_view field_line) const {
        return head.find(std::string("\r\n") + std::string(field_line) + "\r\n") !=
               std::string::npos;
    }
    [[nodiscard]] bool has_field(std::string_view name) const {
        return head.find(std::string("\r\n") + std::string(name) + ": ") != std::string::npos;
    }
};

task<expected<std::size_t, std::error_code>> read_more(tcp_stream& s, std::string& pending) {
    std::array<std::byte, 4096> buf{};
    auto n = co_await weft::with_timeout(client_timeout, read_some_of(s, buf));
    if (n) {
        pending.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    co_return n;
}

// Reads one response from `pending` + the socket; its body by Content-Length.
task<expected<client_response, std::error_code>> read_response(tcp_stream& s, std::string& pending,
                                                               bool head_request = false) {
    std::size_t end = 0;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
        auto n = co_await read_more(s, pending);
        if (!n) {
            co_return unexpected(n.error());
        }
        if (*n == 0) {
            co_return unexpected(std::make_error_code(std::errc::connection_aborted));
        }
    }
    client_response r;
    r.head = pending.substr(0, end + 4);
    pending.erase(0, end + 4);
    r.status = std::atoi(r.head.substr(9, 3).c_str());
    std::size_t length = 0;
    if (auto at = r.head.find("\r\nContent-Length: "); at != std::string::npos) {
        length = std::strtoull(r.head.c_str() + at + 18, nullptr, 10);
    }
    if (head_request || r.status < 200) {
        length = 0;
    }
    while (pending.size() < length) {
        auto n = co_await read_more(s, pending);
        if (!n) {
            co_return unexpected(n.error());
        }
        if (*n == 0) {
            co_return unexpected(std::make_error_code(std::errc::connection_aborted));
        }
    }
    r.body = pending.substr(0, length);
    pending.erase(0, length);
    co_return r;
}

// Whether the server closes the connection with nothing more to say (read returns 0).
task<bool> closed_after(tcp_stream& s, std::string& pending) {
    auto n = co_await read_more(s, pending);
    co_return n&&* n == 0 && pending.empty();
}

struct conversation {
    std::vector<client_response> responses;
    bool closed = false; // the server closed after the responses (only when asked to check)
    std::error_code error;
};

// Connects, writes `request` in one write, reads one response per entry of `head_requests`
// (true: it answers a HEAD), then optionally checks that the server closes.
task<conversation> talk(addr::socket_address at, std::string request,
                        std::vector<bool> head_requests, bool check_close = false) {
    conversation out;
    auto c = co_await tcp_stream::connect(at, 2s);
    if (!c) {
        out.error = c.error();
        co_return out;
    }
    if (auto w = co_await c->write_all(bytes_of(request)); !w) {
        out.error = w.error();
        co_return out;
    }
    std::string pending;
    for (bool head : head_requests) {
        auto r = co_await read_response(*c, pending, head);
        if (!r) {
            out.error = r.error();
            co_return out;
        }
        out.responses.push_back(std::move(*r));
    }
    if (check_close) {
        out.closed = co_await closed_after(*c, pending);
    }
    co_return out;
}

// --- the fixture ----------------------------------------------------------------------------

class serve_connection_test : public testing_::loopback_test {
  protected:
    void SetUp() override {
        loopback_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        std::string path = ::testing::TempDir() + "weft_serve_fileXXXXXX";
        const int fd = ::mkstemp(path.data());
        ASSERT_GE(fd, 0);
        ::unlink(path.c_str());
        ASSERT_EQ(::write(fd, file_content.data(), file_content.size()),
                  static_cast<ssize_t>(file_content.size()));
        g_file_fd = fd;
    }
    void TearDown() override {
        loopback_test::TearDown();
        if (g_file_fd >= 0) {
            ::close(g_file_fd);
            g_file_fd = -1;
        }
    }

    /// Listens on 127.0.0.1 and spawns the accept loop. @returns the address to connect to.
    addr::socket_address start(server_options o = {}) {
        auto l = tcp_listener::bind(the_loop(), testing_::address(testing_::loopback_v4));
        EXPECT_TRUE(l) << l.error().message();
        listener_ = std::move(*l);
        options_ = std::move(o);
        the_loop().spawn(accept_loop(*listener_, handler_, options_, dates_));
        return listener_->local_address().value();
    }

    conversation run(addr::socket_address at, std::string request, std::vector<bool> heads,
                     bool check_close = false) {
        return the_loop().block_on(talk(at, std::move(request), std::move(heads), check_close));
    }

    weft::http::handler handler_ = test_handler;
    server_options options_; // the connections borrow it
    date_cache dates_;
    std::optional<tcp_listener> listener_;
};
WEFT_ON_EACH_BACKEND(serve_connection_test);

constexpr std::string_view get_hello = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_P(serve_connection_test, simple_get) {
    const auto at = start();
    auto c = run(at, std::string(get_hello), {false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 1U);
    const auto& r = c.responses[0];
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.head.substr(0, 17), "HTTP/1.1 200 OK\r\n");
    EXPECT_EQ(r.body, "GET /hello 0");
    EXPECT_TRUE(r.has("Content-Length: 12")) << r.head;
    EXPECT_TRUE(r.has_field("Date")) << r.head;
    EXPECT_TRUE(r.has("Server: weft")) << r.head;
    EXPECT_FALSE(r.has_field("Connection")) << r.head;
}

task<std::vector<client_response>> two_in_turn(addr::socket_address at) {
    std::vector<client_response> out;
    auto c = co_await tcp_stream::connect(at, 2s);
    if (!c) {
        co_return out;
    }
    std::string pending;
    for (std::string_view target : {"/one", "/two"}) {
        const std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        if (!co_await c->write_all(bytes_of(req))) {
            co_return out;
        }
        auto r = co_await read_response(*c, pending);
        if (!r) {
            co_return out;
        }
        out.push_back(std::move(*r));
    }
    co_return out;
}

TEST_P(serve_connection_test, keep_alive_serves_two_requests_in_turn) {
    const auto at = start();
    auto rs = the_loop().block_on(two_in_turn(at));
    ASSERT_EQ(rs.size(), 2U);
    EXPECT_EQ(rs[0].body, "GET /one 0");
    EXPECT_EQ(rs[1].body, "GET /two 0");
}

TEST_P(serve_connection_test, pipelined_requests_are_answered_in_order) {
    const auto at = start();
    auto c = run(at,
                 "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 {false, false, false}, true);
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 3U);
    EXPECT_EQ(c.responses[0].body, "GET /a 0");
    EXPECT_EQ(c.responses[1].body, "GET /b 0");
    EXPECT_EQ(c.responses[2].body, "GET /c 0");
    EXPECT_TRUE(c.responses[2].has("Connection: close"));
    EXPECT_TRUE(c.closed);
}

TEST_P(serve_connection_test, head_gets_headers_only) {
    const auto at = start();
    // The GET after it parses correctly only if the HEAD response had no body bytes.
    auto c = run(at,
                 "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nHEAD /file HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /g HTTP/1.1\r\nHost: x\r\n\r\n",
                 {true, true, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 3U);
    EXPECT_EQ(c.responses[0].status, 200);
    EXPECT_TRUE(c.responses[0].has("Content-Length: 9")) << c.responses[0].head; // "HEAD /h 0"
    EXPECT_TRUE(c.responses[1].has("Content-Length: " + std::to_string(file_content.size())));
    EXPECT_EQ(c.responses[2].body, "GET /g 0");
}

TEST_P(serve_connection_test, file_body_goes_out_after_the_head) {
    const auto at = start();
    auto c = run(at, "GET /file HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n",
                 {false, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 2U);
    EXPECT_EQ(c.responses[0].body, file_content);
    EXPECT_TRUE(c.responses[0].has("Content-Type: text/plain"));
    EXPECT_EQ(c.responses[1].body, "GET /after 0");
}

TEST_P(serve_connection_test, post_bodies_reach_the_handler) {
    const auto at = start();
    auto c = run(at,
                 "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                 "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                 "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
                 "GET /last HTTP/1.1\r\nHost: x\r\n\r\n",
                 {false, false, false, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 4U);
    EXPECT_EQ(c.responses[0].body, "POST /p 5");
    EXPECT_EQ(c.responses[1].body, "abc");
    EXPECT_EQ(c.responses[2].body, "hello world");
    EXPECT_EQ(c.responses[3].body, "GET /last 0");
}

// A large body arriving over many writes, Content-Length and chunked.
task<std::vector<client_response>> slow_bodies(addr::socket_address at) {
    std::vector<client_response> out;
    auto c = co_await tcp_stream::connect(at, 2s);
    if (!c) {
        co_return out;
    }
    const std::string big(100000, 'z');
    std::string pending;
    const std::string fixed =
        "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
        "\r\n\r\n";
    std::string chunked = "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < big.size(); i += 10000) {
        chunked += "2710\r\n" + big.substr(i, 10000) + "\r\n";
    }
    chunked += "0\r\n\r\n";
    for (const std::string& msg : {fixed + big, chunked}) {
        for (std::size_t i = 0; i < msg.size(); i += 7777) {
            const std::string_view piece = std::string_view(msg).substr(i, 7777);
            if (!co_await c->write_all(bytes_of(piece))) {
                co_return out;
            }
            co_await weft::io::sleep_for(1ms);
        }
        auto r = co_await read_response(*c, pending);
        if (!r) {
            co_return out;
        }
        out.push_back(std::move(*r));
    }
    co_return out;
}

TEST_P(serve_connection_test, bodies_split_over_many_reads) {
    const auto at = start();
    auto rs = the_loop().block_on(slow_bodies(at));
    ASSERT_EQ(rs.size(), 2U);
    EXPECT_EQ(rs[0].body, "POST /big 100000");
    EXPECT_EQ(rs[1].body, "POST /big 100000");
}

struct continue_result {
    client_response interim;
    client_response final_response;
    bool ok = false;
};

task<continue_result> expect_continue(addr::socket_address at) {
    continue_result out;
    auto c = co_await tcp_stream::connect(at, 2s);
    if (!c) {
        co_return out;
    }
    std::string pending;
    const std::string_view head =
        "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    if (!co_await c->write_all(bytes_of(head))) {
        co_return out;
    }
    auto interim = co_await read_response(*c, pending); // before any body byte is sent
    if (!interim) {
        co_return out;
    }
    out.interim = std::move(*interim);
    if (!co_await c->write_all(bytes_of("hello"))) {
        co_return out;
    }
    auto final_response = co_await read_response(*c, pending);
    if (!final_response) {
        co_return out;
    }
    out.final_response = std::move(*final_response);
    out.ok = true;
    co_return out;
}

TEST_P(serve_connection_test, expect_100_continue_comes_first) {
    const auto at = start();
    auto r = the_loop().block_on(expect_continue(at));
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.interim.head, "HTTP/1.1 100 Continue\r\n\r\n");
    EXPECT_EQ(r.final_response.status, 200);
    EXPECT_EQ(r.final_response.body, "hello");
}

TEST_P(serve_connection_test, malformed_requests_get_400_and_close) {
    const auto at = start();
    for (std::string request : {
             std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n"),
             std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                         "Transfer-Encoding: chunked\r\n\r\nabc"),
             std::string("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "zz\r\n"),
         }) {
        auto c = run(at, request, {false}, true);
        ASSERT_FALSE(c.error) << c.error.message();
        ASSERT_EQ(c.responses.size(), 1U);
        EXPECT_EQ(c.responses[0].status, 400) << request;
        EXPECT_TRUE(c.responses[0].has("Connection: close"));
        EXPECT_TRUE(c.responses[0].has("Content-Type: application/problem+json"));
        EXPECT_TRUE(c.closed) << request;
    }
}

TEST_P(serve_connection_test, header_section_too_large_gets_431) {
    const auto at = start();
    const std::string request =
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
    auto c = run(at, request, {false}, true);
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].status, 431);
    EXPECT_TRUE(c.closed);
}

TEST_P(serve_connection_test, handler_exception_becomes_500) {
    const auto at = start();
    // The connection carries on after the 500, and so do others.
    auto c = run(at, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n",
                 {false, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 2U);
    EXPECT_EQ(c.responses[0].status, 500);
    EXPECT_TRUE(c.responses[0].has("Content-Type: application/problem+json"));
    EXPECT_EQ(c.responses[1].body, "GET /ok 0");
    auto other = run(at, std::string(get_hello), {false});
    ASSERT_EQ(other.responses.size(), 1U);
    EXPECT_EQ(other.responses[0].body, "GET /hello 0");
}

TEST_P(serve_connection_test, http10_without_keep_alive_closes) {
    const auto at = start();
    auto c = run(at, "GET /old HTTP/1.0\r\n\r\n", {false}, true);
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].body, "GET /old 0");
    EXPECT_TRUE(c.responses[0].has("Connection: close")) << c.responses[0].head;
    EXPECT_TRUE(c.closed);

    auto kept = run(at, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
                    {false, false}, true);
    ASSERT_EQ(kept.responses.size(), 2U);
    EXPECT_TRUE(kept.responses[0].has("Connection: keep-alive")) << kept.responses[0].head;
    EXPECT_EQ(kept.responses[1].body, "GET /b 0");
    EXPECT_TRUE(kept.closed);
}

TEST_P(serve_connection_test, handler_connection_close_closes) {
    const auto at = start();
    auto c = run(at, "GET /close HTTP/1.1\r\nHost: x\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n",
                 {false}, true);
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].body, "bye");
    EXPECT_TRUE(c.closed);
}

struct stall_result {
    client_response response;
    bool closed = false;
    steady_clock::duration elapsed{};
    bool ok = false;
};

task<stall_result> stall_mid_head(addr::socket_address at) {
    stall_result out;
    auto c = co_await tcp_stream::connect(at, 2s);
    if (!c) {
        co_return out;
    }
    const auto began = steady_clock::now();
    if (!co_await c->write_all(bytes_of("GET /slow HTTP/1.1\r\nHost: x\r\nX-Part"))) {
        co_return out;
    }
    std::string pending;
    auto r = co_await read_response(*c, pending);
    if (!r) {
        co_return out;
    }
    out.elapsed = steady_clock::now() - began;
    out.response = std::move(*r);
    out.closed = co_await closed_after(*c, pending);
    out.ok = true;
    co_return out;
}

TEST_P(serve_connection_test, slowloris_gets_408) {
    server_options o;
    o.header_timeout = 200ms;
    const auto at = start(o);
    auto r = the_loop().block_on(stall_mid_head(at));
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.response.status, 408);
    EXPECT_TRUE(r.response.has("Connection: close"));
    EXPECT_TRUE(r.closed);
    EXPECT_GE(r.elapsed, 150ms) << testing_::ms(r.elapsed);
    EXPECT_LT(r.elapsed, 2s) << testing_::ms(r.elapsed);
}

TEST_P(serve_connection_test, idle_keep_alive_connection_closes_quietly) {
    server_options o;
    o.keep_alive_timeout = 200ms;
    const auto at = start(o);
    const auto began = steady_clock::now();
    auto c = run(at, std::string(get_hello), {false}, true);
    const auto elapsed = steady_clock::now() - began;
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_TRUE(c.closed); // no 408: nothing of a next request had arrived
    EXPECT_LT(elapsed, 2s) << testing_::ms(elapsed);
}

} // namespace

// --- streamed request bodies -----------------------------------------------------------------

namespace streamed {

// A body of `n` bytes of a repeating pattern, and the sum of its bytes.
std::string body(std::size_t n) {
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<char>('a' + i % 26);
    }
    return out;
}

std::string expected_answer(const std::string& b) {
    std::uint64_t sum = 0;
    for (const char ch : b) {
        sum += static_cast<unsigned char>(ch);
    }
    return "streamed " + std::to_string(b.size()) + " " + std::to_string(sum);
}

server_options options() {
    server_options o;
    o.limits.max_body = 64 * 1024; // collected bodies
    o.max_streamed_body = 4 * 1024 * 1024;
    o.stream_body = [](const request_head& h) { return h.target.starts_with("/stream"); };
    return o;
}

} // namespace streamed

TEST_P(serve_connection_test, streamed_bodies_may_exceed_the_collected_limit) {
    const auto at = start(streamed::options());
    const std::string big = streamed::body(1024 * 1024);
    auto c =
        run(at,
            "POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
                "\r\n\r\n" + big + std::string(get_hello),
            {false, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 2U);
    EXPECT_EQ(c.responses[0].body, streamed::expected_answer(big));
    EXPECT_EQ(c.responses[1].body, "GET /hello 0"); // the pipelined request after the body
}

TEST_P(serve_connection_test, streamed_chunked_bodies_keep_the_next_request) {
    const auto at = start(streamed::options());
    const std::string big = streamed::body(300000);
    std::string chunked = "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < big.size(); i += 10000) {
        chunked += "2710;x=y\r\n" + big.substr(i, 10000) + "\r\n";
    }
    chunked += "0\r\nTrailer: t\r\n\r\n";
    auto c = run(at, chunked + std::string(get_hello), {false, false});
    ASSERT_FALSE(c.error) << c.error.message();
    ASSERT_EQ(c.responses.size(), 2U);
    EXPECT_EQ(c.responses[0].body, streamed::expected_answer(big));
    EXPECT_EQ(c.responses[1].body, "GET /hello 0");
}

TEST_P(serve_connection_test, collected_bodies_keep_their_limit_when_streaming_is_larger) {
    const auto at = start(streamed::options());
    const std::string big = streamed::body(100 * 1024);
    auto fixed =
        run(at,
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
                "\r\n\r\n" + big,
            {false});
    ASSERT_EQ(fixed.responses.size(), 1U);
    EXPECT_EQ(fixed.responses[0].status, 413);
    std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < big.size(); i += 10000) {
        chunked += "2710\r\n" + big.substr(i, 10000) + "\r\n";
    }
    auto c = run(at, chunked, {false});
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].status, 413);
    // Past the streamed limit too.
    auto huge =
        run(at, "POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", {false});
    ASSERT_EQ(huge.responses.size(), 1U);
    EXPECT_EQ(huge.responses[0].status, 413);
}

TEST_P(serve_connection_test, a_streamed_body_left_unread_closes_after_the_response) {
    const auto at = start(streamed::options());
    const std::string big = streamed::body(200000);
    auto c = run(at,
                 "POST /stream/ignore HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                     std::to_string(big.size()) + "\r\n\r\n" + big.substr(0, 1000),
                 {false}, true);
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].body, "ignored");
    EXPECT_TRUE(c.responses[0].has("Connection: close"));
    EXPECT_TRUE(c.closed);
}

TEST_P(serve_connection_test, a_malformed_streamed_chunk_reaches_the_handler_as_an_error) {
    const auto at = start(streamed::options());
    auto c = run(at,
                 "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\nzz\r\n",
                 {false}, true);
    ASSERT_EQ(c.responses.size(), 1U);
    EXPECT_EQ(c.responses[0].status, 400);
    EXPECT_TRUE(c.closed);
}
