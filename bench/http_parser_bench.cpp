// HTTP/1.1 request-head parsing: weft's request_parser against a naive scalar baseline
// (memchr line splitting, no validation at all) written here, in the same run, on the same
// inputs; prints ns per request for each and the weft/baseline ratio (STYLE.md: compare with
// a peer in the same run and print ratios).
//
// Inputs: a typical browser GET (~500 bytes, 10 field lines) and the tiny
// "GET / HTTP/1.1\r\nHost: a\r\n\r\n". items_per_second is requests per second. The parser is
// reused with reset(), as a connection does, so nothing allocates in the timed loop.
#include <weft/http/request_parser.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

constexpr std::string_view browser_get =
    "GET /assets/js/app.bundle.min.js?v=20240611 HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36\r\n"
    "Accept: */*\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: no-cors\r\n"
    "Referer: https://www.example.com/products/index.html\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Cookie: session=3f2a9c0e7b1d4e8f; theme=dark; _ga=GA1.2.1234567890.1717000000\r\n"
    "\r\n";

constexpr std::string_view tiny_get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

// The baseline: split lines with memchr, the request line at spaces, fields at the colon,
// trim spaces. It checks nothing (no token rules, no framing), so it is a floor, not a peer.
struct naive_header {
    std::string_view name;
    std::string_view value;
};

struct naive_request {
    std::string_view method, target, version;
    std::array<naive_header, 100> headers;
    std::size_t count = 0;
};

std::size_t naive_parse(std::string_view in, naive_request& out) {
    const char* p = in.data();
    const char* const end = p + in.size();
    const auto line = [&](std::string_view& l) {
        const auto* lf =
            static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (lf == nullptr) {
            return false;
        }
        const char* e = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
        l = std::string_view(p, static_cast<std::size_t>(e - p));
        p = lf + 1;
        return true;
    };
    std::string_view l;
    if (!line(l)) {
        return 0;
    }
    const std::size_t s1 = l.find(' ');
    const std::size_t s2 = l.find(' ', s1 + 1);
    if (s1 == std::string_view::npos || s2 == std::string_view::npos) {
        return 0;
    }
    out.method = l.substr(0, s1);
    out.target = l.substr(s1 + 1, s2 - s1 - 1);
    out.version = l.substr(s2 + 1);
    out.count = 0;
    while (line(l)) {
        if (l.empty()) {
            return static_cast<std::size_t>(p - in.data());
        }
        const std::size_t colon = l.find(':');
        if (colon == std::string_view::npos || out.count == out.headers.size()) {
            return 0;
        }
        std::string_view v = l.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') {
            v.remove_prefix(1);
        }
        out.headers[out.count++] = {l.substr(0, colon), v};
    }
    return 0;
}

void bm_weft(benchmark::State& state, std::string_view in) {
    weft::http::request_parser parser;
    for (auto _ : state) {
        parser.reset();
        auto r = parser.parse(in);
        benchmark::DoNotOptimize(r);
        if (!r || *r != in.size()) {
            state.SkipWithError("weft parse failed");
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}

void bm_naive(benchmark::State& state, std::string_view in) {
    naive_request req;
    for (auto _ : state) {
        auto n = naive_parse(in, req);
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(req.count);
        if (n != in.size()) {
            state.SkipWithError("naive parse failed");
            break;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}

BENCHMARK_CAPTURE(bm_weft, browser_get, browser_get);
BENCHMARK_CAPTURE(bm_naive, browser_get, browser_get);
BENCHMARK_CAPTURE(bm_weft, tiny_get, tiny_get);
BENCHMARK_CAPTURE(bm_naive, tiny_get, tiny_get);

// Console output plus a note of each run's ns/iteration, for the ratio table.
class ratio_reporter : public benchmark::ConsoleReporter {
  public:
    std::map<std::string, double> ns;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            if (run.run_type == Run::RT_Iteration && run.iterations > 0) {
                ns[run.benchmark_name()] =
                    run.real_accumulated_time * 1e9 / static_cast<double>(run.iterations);
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }
};

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    std::printf("\nweft::http::request_parser vs naive memchr baseline (%s scan path)\n",
                std::string(weft::http::detail::simd_path()).c_str());
    std::printf("%-14s %12s %12s %8s\n", "input", "weft ns/req", "naive ns/req", "ratio");
    for (const char* input : {"browser_get", "tiny_get"}) {
        const auto w = reporter.ns.find(std::string("bm_weft/") + input);
        const auto n = reporter.ns.find(std::string("bm_naive/") + input);
        if (w != reporter.ns.end() && n != reporter.ns.end()) {
            std::printf("%-14s %12.1f %12.1f %7.2fx\n", input, w->second, n->second,
                        w->second / n->second);
        }
    }
    benchmark::Shutdown();
    return 0;
}
