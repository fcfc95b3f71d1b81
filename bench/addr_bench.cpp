// IPv4 and IPv6 text parsing and formatting: weft against glibc's inet_pton / inet_ntop,
// in the same run, on the same inputs (STYLE.md "Benchmarks": compare with the peer in the
// same run and print ratios; bench/addr_ratios.py does that).
//
// Each benchmark iteration walks a fixed set of 1024 addresses built once from a fixed
// seed, so the two sides see identical, varied data and nothing allocates in the timed
// loop. items_per_second is addresses per second.
//
// IPv4: uniformly random addresses plus private-range ones (1-, 2- and 3-digit octets).
// IPv6, eight shapes in equal parts: eight full groups; 2001:db8:…::iid with a zero run
// in the middle; fe80:: SLAAC link-local; short server addresses (2001:db8::53);
// IPv4-mapped ::ffff:a.b.c.d; NAT64 64:ff9b::a.b.c.d written with its dotted quad;
// solicited-node multicast; and a random zero run at a random place with groups of 1..4
// digits. One address in sixteen is written exploded with upper-case digits. The text
// is inet_ntop's (RFC 5952) except for those and the NAT64 dotted quads.
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <benchmark/benchmark.h>

namespace {

using weft::addr::ipv4_address;
using weft::addr::ipv6_address;

constexpr std::size_t input_count = 1024;

struct inputs {
    // Parse inputs: the text, and the same text as a C string for inet_pton.
    std::vector<std::string> v4_text;
    std::vector<std::string_view> v4_views;
    std::vector<std::string> v6_text;
    std::vector<std::string_view> v6_views;
    // Format inputs: the same addresses in each library's own representation.
    std::vector<ipv4_address> v4_weft;
    std::vector<in_addr> v4_glibc;
    std::vector<ipv6_address> v6_weft;
    std::vector<in6_addr> v6_glibc;
};

[[noreturn]] void fail(const char* what, const std::string& text) {
    std::fprintf(stderr, "addr_bench: %s: %s\n", what, text.c_str());
    std::abort();
}

std::string ntop6(const in6_addr& a) {
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, &a, buf, sizeof buf);
}

std::string dotted(std::uint32_t v) {
    char buf[INET_ADDRSTRLEN];
    const in_addr a{htonl(v)};
    return inet_ntop(AF_INET, &a, buf, sizeof buf);
}

in6_addr from_groups(const std::array<std::uint16_t, 8>& g) {
    in6_addr a{};
    for (std::size_t i = 0; i < 8; ++i) {
        a.s6_addr[2 * i] = static_cast<std::uint8_t>(g[i] >> 8);
        a.s6_addr[2 * i + 1] = static_cast<std::uint8_t>(g[i]);
    }
    return a;
}

std::string exploded_upper(const in6_addr& a) {
    std::string s;
    char group[8];
    for (std::size_t i = 0; i < 8; ++i) {
        std::snprintf(group, sizeof group, "%s%02X%02X", i == 0 ? "" : ":", a.s6_addr[2 * i],
                      a.s6_addr[2 * i + 1]);
        s += group;
    }
    return s;
}

// The address and the text it is written as (which may be a non-canonical spelling).
struct v6_sample {
    in6_addr addr;
    std::string text;
};

v6_sample make_v6(std::size_t i, std::mt19937_64& rng) {
    auto g16 = [&] { return static_cast<std::uint16_t>(rng()); };
    auto v4 = [&] { return static_cast<std::uint32_t>(rng()); };
    std::array<std::uint16_t, 8> g{};
    switch (i % 8) {
    case 0: // eight full groups
        for (auto& x : g) {
            x = static_cast<std::uint16_t>(g16() | 0x1000);
        }
        break;
    case 1: // 2001:db8:site:subnet::iid, a sparse interface id
        g = {0x2001, 0x0db8, g16(), g16(), 0, 0, g16(), g16()};
        break;
    case 2: // fe80::/64 SLAAC link-local
        g = {0xfe80, 0, 0, 0, g16(), g16(), g16(), g16()};
        break;
    case 3: // short server address: 2001:db8::53
        g = {0x2001, 0x0db8, 0, 0, 0, 0, 0, static_cast<std::uint16_t>(rng() % 256 + 1)};
        break;
    case 4: { // IPv4-mapped
        const std::uint32_t a = v4();
        g = {0,
             0,
             0,
             0,
             0,
             0xffff,
             static_cast<std::uint16_t>(a >> 16),
             static_cast<std::uint16_t>(a)};
        break;
    }
    case 5: { // NAT64 well-known prefix, written with its dotted quad
        const std::uint32_t a = v4();
        g = {0x64,
             0xff9b,
             0,
             0,
             0,
             0,
             static_cast<std::uint16_t>(a >> 16),
             static_cast<std::uint16_t>(a)};
        const in6_addr addr = from_groups(g);
        return {addr, "64:ff9b::" + dotted(a)};
    }
    case 6: // solicited-node multicast
        g = {0xff02, 0, 0, 0, 0, 1, static_cast<std::uint16_t>(0xff00 | (rng() & 0xff)), g16()};
        break;
    default: { // a zero run of 2..6 groups somewhere, groups of 1..4 digits
        const std::size_t len = 2 + rng() % 5;
        const std::size_t start = rng() % (8 - len + 1);
        for (std::size_t k = 0; k < 8; ++k) {
            const unsigned digits = 1 + static_cast<unsigned>(rng() % 4);
            const auto top = static_cast<std::uint16_t>(1u << (4 * (digits - 1)));
            g[k] = k >= start && k < start + len
                       ? 0
                       : static_cast<std::uint16_t>(top + rng() % (top * 15u));
        }
        break;
    }
    }
    const in6_addr addr = from_groups(g);
    return {addr, i % 16 == 9 ? exploded_upper(addr) : ntop6(addr)};
}

inputs make_inputs() {
    inputs in;
    std::mt19937_64 rng(20240601);
    for (std::size_t i = 0; i < input_count; ++i) {
        std::uint32_t v = static_cast<std::uint32_t>(rng());
        if (i % 4 == 1) {
            v = 0x0a000000u | (v & 0xffffff); // 10/8
        } else if (i % 4 == 2) {
            v = 0xc0a80000u | (v & 0xffff); // 192.168/16
        }
        const std::string text = dotted(v);
        const auto parsed = ipv4_address::parse(text);
        in_addr ref{};
        if (!parsed || inet_pton(AF_INET, text.c_str(), &ref) != 1 || ntohl(ref.s_addr) != v ||
            parsed->to_uint() != v) {
            fail("IPv4 input the two libraries disagree on", text);
        }
        in.v4_text.push_back(text);
        in.v4_weft.push_back(*parsed);
        in.v4_glibc.push_back(ref);
    }
    for (std::size_t i = 0; i < input_count; ++i) {
        v6_sample s = make_v6(i, rng);
        const auto parsed = ipv6_address::parse(s.text);
        in6_addr ref{};
        if (!parsed || inet_pton(AF_INET6, s.text.c_str(), &ref) != 1 ||
            std::memcmp(&ref, &s.addr, 16) != 0 ||
            std::memcmp(parsed->to_bytes().data(), &s.addr, 16) != 0) {
            fail("IPv6 input the two libraries disagree on", s.text);
        }
        in.v6_text.push_back(std::move(s.text));
        in.v6_weft.push_back(*parsed);
        in.v6_glibc.push_back(ref);
    }
    // Views last: the strings no longer move.
    in.v4_views.assign(in.v4_text.begin(), in.v4_text.end());
    in.v6_views.assign(in.v6_text.begin(), in.v6_text.end());
    return in;
}

const inputs& data() {
    static const inputs in = make_inputs();
    return in;
}

void finish(benchmark::State& state, std::size_t per_iteration) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(per_iteration));
}

void ipv4_parse_weft(benchmark::State& state) {
    const auto& in = data().v4_views;
    for (auto _ : state) {
        for (const std::string_view s : in) {
            auto r = ipv4_address::parse(s);
            benchmark::DoNotOptimize(r);
        }
    }
    finish(state, in.size());
}

void ipv4_parse_glibc(benchmark::State& state) {
    const auto& in = data().v4_text;
    for (auto _ : state) {
        for (const std::string& s : in) {
            in_addr a;
            benchmark::DoNotOptimize(inet_pton(AF_INET, s.c_str(), &a));
            benchmark::DoNotOptimize(a);
        }
    }
    finish(state, in.size());
}

void ipv4_format_weft(benchmark::State& state) {
    const auto& in = data().v4_weft;
    for (auto _ : state) {
        for (const ipv4_address a : in) {
            char buf[ipv4_address::max_string_length];
            benchmark::DoNotOptimize(a.format_to(buf));
            benchmark::DoNotOptimize(buf);
        }
    }
    finish(state, in.size());
}

void ipv4_format_glibc(benchmark::State& state) {
    const auto& in = data().v4_glibc;
    for (auto _ : state) {
        for (const in_addr& a : in) {
            char buf[INET_ADDRSTRLEN];
            benchmark::DoNotOptimize(inet_ntop(AF_INET, &a, buf, sizeof buf));
            benchmark::DoNotOptimize(buf);
        }
    }
    finish(state, in.size());
}

void ipv6_parse_weft(benchmark::State& state) {
    const auto& in = data().v6_views;
    for (auto _ : state) {
        for (const std::string_view s : in) {
            auto r = ipv6_address::parse(s);
            benchmark::DoNotOptimize(r);
        }
    }
    finish(state, in.size());
}

void ipv6_parse_glibc(benchmark::State& state) {
    const auto& in = data().v6_text;
    for (auto _ : state) {
        for (const std::string& s : in) {
            in6_addr a;
            benchmark::DoNotOptimize(inet_pton(AF_INET6, s.c_str(), &a));
            benchmark::DoNotOptimize(a);
        }
    }
    finish(state, in.size());
}

void ipv6_format_weft(benchmark::State& state) {
    const auto& in = data().v6_weft;
    for (auto _ : state) {
        for (const ipv6_address& a : in) {
            char buf[ipv6_address::max_string_length];
            benchmark::DoNotOptimize(a.format_to(buf));
            benchmark::DoNotOptimize(buf);
        }
    }
    finish(state, in.size());
}

void ipv6_format_glibc(benchmark::State& state) {
    const auto& in = data().v6_glibc;
    for (auto _ : state) {
        for (const in6_addr& a : in) {
            char buf[INET6_ADDRSTRLEN];
            benchmark::DoNotOptimize(inet_ntop(AF_INET6, &a, buf, sizeof buf));
            benchmark::DoNotOptimize(buf);
        }
    }
    finish(state, in.size());
}

// Names are "<operation>/<implementation>"; addr_ratios.py pairs them on the operation.
BENCHMARK(ipv4_parse_weft)->Name("ipv4_parse/weft");
BENCHMARK(ipv4_parse_glibc)->Name("ipv4_parse/glibc");
BENCHMARK(ipv4_format_weft)->Name("ipv4_format/weft");
BENCHMARK(ipv4_format_glibc)->Name("ipv4_format/glibc");
BENCHMARK(ipv6_parse_weft)->Name("ipv6_parse/weft");
BENCHMARK(ipv6_parse_glibc)->Name("ipv6_parse/glibc");
BENCHMARK(ipv6_format_weft)->Name("ipv6_format/weft");
BENCHMARK(ipv6_format_glibc)->Name("ipv6_format/glibc");

} // namespace

BENCHMARK_MAIN();
