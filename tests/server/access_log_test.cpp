#include <weft/addr/socket_address.hpp>
#include <weft/http/request.hpp>
#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>
#include <weft/server/access_log.hpp>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace weft;
using http::response;
using http::status;
using server::access_log;

namespace {

namespace fs = std::filesystem;

// A request parsed from its raw text, with a peer. Not movable: the head's views point into
// `text_`, and the request points at the head.
class parsed_request {
  public:
    parsed_request(std::string text, std::string_view peer) : text_(std::move(text)) {
        auto n = parser_.parse(text_);
        EXPECT_TRUE(n.has_value() && *n != http::request_parser::incomplete) << text_;
        const auto at = addr::socket_address::parse(peer);
        EXPECT_TRUE(at.has_value()) << peer;
        request_.emplace(parser_.head(), std::string_view(), at.value_or(addr::socket_address{}));
    }
    parsed_request(const parsed_request&) = delete;
    parsed_request& operator=(const parsed_request&) = delete;

    [[nodiscard]] const http::request& get() const { return *request_; }

  private:
    std::string text_;
    http::request_parser parser_;
    std::optional<http::request> request_;
};

response with_body(status s, std::size_t n) {
    response r(s);
    r.set_body(std::string(n, 'x'));
    return r;
}

// One combined-format line: peer, "-", "-", [time], "request line", status, bytes,
// "Referer", "User-Agent". The quoted fields may hold escaped quotes (\") but no raw ones.
const std::regex combined_line(
    R"re(^(\S+) - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] )re"
    R"re("((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$)re");

struct fields {
    std::string peer, request_line, status, bytes, referer, user_agent;
};

fields split(const std::string& line) {
    std::smatch m;
    if (!std::regex_match(line, m, combined_line)) {
        ADD_FAILURE() << "not a combined-format line: " << line;
        return {};
    }
    return {m[1], m[2], m[3], m[4], m[5], m[6]};
}

// A temporary directory with the log file in it, removed at the end of the test.
class access_log_test : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "weft-log-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        path_ = dir_ / "access.log";
        auto opened = access_log::open(path_.string());
        ASSERT_TRUE(opened.has_value()) << opened.error();
        log_ = std::move(*opened);
    }
    void TearDown() override {
        log_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // Every line of the file (without the newlines); fails if the file does not end in one.
    [[nodiscard]] std::vector<std::string> lines() const {
        std::ifstream in(path_, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        EXPECT_TRUE(text.empty() || text.back() == '\n');
        std::vector<std::string> out;
        std::size_t start = 0;
        for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
            out.push_back(text.substr(start, nl - start));
        }
        return out;
    }

    // Logs one request and returns its only line.
    std::string log_one(const std::string& raw, std::string_view peer, const response& out) {
        const parsed_request r(raw, peer);
        log_->log(r.get(), out);
        log_->flush_this_thread();
        auto all = lines();
        EXPECT_EQ(all.size(), 1U);
        return all.empty() ? std::string() : all.back();
    }

    fs::path dir_;
    fs::path path_;
    std::shared_ptr<access_log> log_;
};

TEST_F(access_log_test, get_line_has_every_field) {
    const auto line = log_one("GET /index.html?q=1 HTTP/1.1\r\nHost: h\r\n"
                              "Referer: http://example.com/\r\nUser-Agent: curl/7.88.1\r\n\r\n",
                              "192.0.2.7:51234", with_body(status::ok, 612));
    const auto f = split(line);
    EXPECT_EQ(f.peer, "192.0.2.7"); // the address only, not the port
    EXPECT_EQ(f.request_line, "GET /index.html?q=1 HTTP/1.1");
    EXPECT_EQ(f.status, "200");
    EXPECT_EQ(f.bytes, "612");
    EXPECT_EQ(f.referer, "http://example.com/");
    EXPECT_EQ(f.user_agent, "curl/7.88.1");
}

TEST_F(access_log_test, missing_referer_and_user_agent_are_dashes) {
    const auto f = split(log_one("GET / HTTP/1.0\r\n\r\n", "10.0.0.1:1", with_body(status::ok, 3)));
    EXPECT_EQ(f.request_line, "GET / HTTP/1.0"); // the request's own version
    EXPECT_EQ(f.referer, "-");
    EXPECT_EQ(f.user_agent, "-");
}

TEST_F(access_log_test, head_logs_zero_bytes) {
    // The response to HEAD carries the GET body's size, but no byte of it is sent.
    const auto f = split(log_one("HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1",
                                 with_body(status::ok, 5000)));
    EXPECT_EQ(f.request_line, "HEAD /big HTTP/1.1");
    EXPECT_EQ(f.status, "200");
    EXPECT_EQ(f.bytes, "0");
}

TEST_F(access_log_test, not_modified_logs_zero_bytes) {
    const auto f = split(log_one("GET /x HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"a\"\r\n\r\n",
                                 "10.0.0.1:1", response::empty(status::not_modified)));
    EXPECT_EQ(f.status, "304");
    EXPECT_EQ(f.bytes, "0");
}

TEST_F(access_log_test, error_statuses_log_their_body_size) {
    const auto out = response::problem(status::not_found, "no such file");
    const auto f = split(log_one("GET /nope HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1", out));
    EXPECT_EQ(f.status, "404");
    EXPECT_EQ(f.bytes, std::to_string(out.body_size()));
}

TEST_F(access_log_test, ipv6_peer_is_the_bare_address) {
    const parsed_request loopback("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "[::1]:40000");
    const parsed_request global("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "[2001:db8::5]:1");
    log_->log(loopback.get(), with_body(status::ok, 1));
    log_->log(global.get(), with_body(status::ok, 1));
    log_->flush_this_thread();
    const auto all = lines();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(split(all[0]).peer, "::1"); // no brackets, no port
    EXPECT_EQ(split(all[1]).peer, "2001:db8::5");
}

TEST_F(access_log_test, in_process_request_has_dash_peer) {
    // An in-process request (no socket) has port 0 and no address.
    http::request_parser p;
    const std::string raw = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    ASSERT_TRUE(p.parse(raw).has_value());
    const http::request r(p.head(), "");
    log_->log(r, with_body(status::ok, 2));
    log_->flush_this_thread();
    const auto all = lines();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(split(all[0]).peer, "-");
}

TEST_F(access_log_test, user_agent_quotes_backslashes_and_bytes_are_escaped) {
    // What the parser lets through in a field value: `"`, `\`, HTAB and obs-text (UTF-8 é).
    const auto line = log_one("GET / HTTP/1.1\r\nHost: h\r\n"
                              "User-Agent: a\"b\\c\td\xC3\xA9\" 200 0 \"forged\r\n\r\n",
                              "10.0.0.1:1", with_body(status::ok, 1));
    const auto f = split(line);
    EXPECT_EQ(f.user_agent, R"(a\"b\\c\x09d\xC3\xA9\" 200 0 \"forged)");
    EXPECT_EQ(f.status, "200");
    EXPECT_EQ(line.find('\t'), std::string::npos);
}

TEST_F(access_log_test, control_bytes_never_break_the_line) {
    // Fields the parser would refuse can still reach the log from middleware or in-process
    // requests: CR, LF, NUL, DEL and other controls are all escaped.
    const std::string ua = "x\r\n1.2.3.4 - - forged\x01\x7f";
    const std::string referer("r\0f", 3);
    const http::header headers[] = {{"User-Agent", ua}, {"Referer", referer}};
    http::request_head head;
    head.method = "GET";
    head.target = "/";
    head.headers = headers;
    const http::request r(head, "", addr::socket_address::parse("10.0.0.1:1").value());
    log_->log(r, with_body(status::ok, 1));
    log_->flush_this_thread();
    const auto all = lines();
    ASSERT_EQ(all.size(), 1U);
    const auto f = split(all[0]);
    EXPECT_EQ(f.user_agent, R"(x\x0D\x0A1.2.3.4 - - forged\x01\x7F)");
    EXPECT_EQ(f.referer, R"(r\x00f)");
}

TEST_F(access_log_test, lines_wait_for_a_flush) {
    const parsed_request r("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1");
    log_->log(r.get(), with_body(status::ok, 1));
    EXPECT_TRUE(lines().empty()); // buffered: nothing written per request
    log_->flush_this_thread();
    EXPECT_EQ(lines().size(), 1U);
    log_->flush_this_thread(); // nothing new: nothing written twice
    EXPECT_EQ(lines().size(), 1U);
}

TEST_F(access_log_test, appends_to_an_existing_file) {
    log_.reset();
    { std::ofstream(path_, std::ios::binary | std::ios::trunc) << "old line\n"; }
    auto opened = access_log::open(path_.string());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    log_ = std::move(*opened);
    const parsed_request r("GET / HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1");
    log_->log(r.get(), with_body(status::ok, 1));
    log_->flush_this_thread();
    const auto all = lines();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0], "old line");
    split(all[1]);
}

// Regression: the calling thread's unflushed lines used to stay in its buffer when the log
// was destroyed, to be written at the thread's end to the closed descriptor (or to whatever
// file had reused its number by then).
TEST_F(access_log_test, destroying_the_log_writes_this_threads_lines) {
    const parsed_request r("GET /last HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1");
    log_->log(r.get(), with_body(status::ok, 1));
    log_.reset();
    const auto all = lines();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(split(all[0]).request_line, "GET /last HTTP/1.1");

    // A new log (perhaps at the same address) does not inherit anything of the old one.
    auto opened = access_log::open((dir_ / "second.log").string());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    log_ = std::move(*opened);
    log_->log(r.get(), with_body(status::ok, 1));
    log_->flush_this_thread();
    EXPECT_EQ(lines().size(), 1U);
    std::ifstream second(dir_ / "second.log");
    std::string line;
    ASSERT_TRUE(std::getline(second, line));
    EXPECT_EQ(split(line).request_line, "GET /last HTTP/1.1");
}

// Regression: a thread that logged and outlived the log wrote its lines, at its end, to the
// log's old descriptor number, which by then belonged to an unrelated file.
TEST_F(access_log_test, a_thread_outliving_the_log_writes_to_the_log_file) {
    std::mutex m;
    std::condition_variable cv;
    bool logged = false;
    bool log_gone = false;
    std::thread late([&] {
        const parsed_request r("GET /late HTTP/1.1\r\nHost: h\r\n\r\n", "10.0.0.1:1");
        log_->log(r.get(), with_body(status::ok, 1));
        std::unique_lock lock(m);
        logged = true;
        cv.notify_all();
        cv.wait(lock, [&] { return log_gone; });
        // The thread ends here, with its line still buffered.
    });
    {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return logged; });
    }
    log_.reset();
    // Most likely the descriptor number the log had.
    const fs::path other = dir_ / "unrelated.txt";
    const int fd = ::open(other.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    {
        const std::lock_guard lock(m);
        log_gone = true;
        cv.notify_all();
    }
    late.join();
    ::close(fd);
    EXPECT_EQ(fs::file_size(other), 0U) << "log lines went to an unrelated file";
    const auto all = lines();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(split(all[0]).request_line, "GET /late HTTP/1.1");
}

TEST(access_log, bad_path_names_the_file_and_the_reason) {
    const auto opened = access_log::open("/nonexistent/dir/x");
    ASSERT_FALSE(opened.has_value());
    EXPECT_NE(opened.error().find("/nonexistent/dir/x"), std::string::npos) << opened.error();
    EXPECT_NE(opened.error().find("No such file or directory"), std::string::npos)
        << opened.error();
}

TEST(access_log, empty_name_is_refused) {
    const auto opened = access_log::open("");
    ASSERT_FALSE(opened.has_value());
    EXPECT_FALSE(opened.error().empty());
}

TEST_F(access_log_test, lines_from_many_threads_are_whole) {
    constexpr int threads = 8;
    constexpr int per_thread = 1000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([this, t] {
            for (int i = 0; i < per_thread; ++i) {
                const parsed_request r(fmt::format("GET /t{}/{} HTTP/1.1\r\nHost: h\r\n"
                                                   "User-Agent: worker-{}-agent\r\n\r\n",
                                                   t, i, t),
                                       "127.0.0.1:9");
                log_->log(r.get(), with_body(status::ok, static_cast<std::size_t>(i)));
            }
            // No explicit flush: the 32 KiB threshold and the thread's end write the lines.
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    const auto all = lines();
    ASSERT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
    std::set<std::string> seen;
    for (const auto& line : all) {
        const auto f = split(line);
        int t = -1;
        int i = -1;
        ASSERT_EQ(std::sscanf(f.request_line.c_str(), "GET /t%d/%d HTTP/1.1", &t, &i), 2) << line;
        EXPECT_EQ(f.user_agent, fmt::format("worker-{}-agent", t)) << line;
        EXPECT_EQ(f.bytes, std::to_string(i)) << line;
        EXPECT_TRUE(seen.insert(f.request_line).second) << "logged twice: " << line;
    }
    EXPECT_EQ(seen.size(), all.size());
}

} // namespace
