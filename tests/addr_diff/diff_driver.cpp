// The weft half of the differential test against Python's ipaddress
// (differential_test.py): reads one command per line on stdin and writes one JSON object per
// line on stdout, so thousands of cases run in one process.
//
// Commands (the text after a parse command's first space is taken verbatim, so it may hold
// spaces or any other byte but a newline; the other commands take space-separated arguments
// that the script writes in canonical form):
//
//   addr <text>                  ip_address::parse
//   net <text>                   ipv4_network/ipv6_network::parse, parse_mode::lenient
//   strict <text>                the same, parse_mode::strict
//   iface <text>                 ipv4_interface/ipv6_interface::parse
//   subnets <net> <prefix> <k>   subnets(prefix): its size and its first k networks
//   supernet <net> <prefix>      supernet(prefix)
//   supernet1 <net>              supernet(), the immediate one
//   exclude <net> <net>          address_exclude
//   collapse <net>...            collapse (one family)
//   summarize <first> <last>     summarize_range (one family)
//   contains <net> <addr>        basic_network::contains(address)
//   rel <net> <net>              subnet_of, supernet_of, overlaps and <=>
//   hosts <net> <k>              the first k of hosts()
//   sort <addr>...               std::sort over ip_address
//   sortnet <net>...             std::sort over networks (one family)
//
// A text that does not parse, or an operation that weft refuses (nullopt), gives
// {"error":true}. Everything else is an object whose fields differential_test.py documents.

#include <weft/addr/ip_address.hpp>
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/network.hpp>
#include <weft/addr/uint128.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

namespace {

using namespace weft::addr;

using out_buffer = fmt::memory_buffer;

void put(out_buffer& out, std::string_view s) {
    out.append(s.data(), s.data() + s.size());
}

/// A JSON string literal: quotes, backslashes and control bytes escaped; other bytes as is.
void put_string(out_buffer& out, std::string_view s) {
    out.push_back('"');
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

/// Writes `"key":` after a comma unless this is the object's first field.
class object_writer {
  public:
    explicit object_writer(out_buffer& out) : out_(out) { out_.push_back('{'); }
    object_writer(const object_writer&) = delete;
    object_writer& operator=(const object_writer&) = delete;
    ~object_writer() { put(out_, "}\n"); }

    out_buffer& key(std::string_view k) {
        if (!first_) {
            out_.push_back(',');
        }
        first_ = false;
        put_string(out_, k);
        out_.push_back(':');
        return out_;
    }
    void field(std::string_view k, std::string_view v) { put_string(key(k), v); }
    void field(std::string_view k, bool v) { put(key(k), v ? "true" : "false"); }
    void field(std::string_view k, unsigned v) {
        fmt::format_to(std::back_inserter(key(k)), "{}", v);
    }

  private:
    out_buffer& out_;
    bool first_ = true;
};

void put_error(out_buffer& out) {
    put(out, "{\"error\":true}\n");
}

std::string decimal(uint128 v) {
    char buf[max_uint128_digits];
    return std::string(buf, format_decimal(v, buf));
}

template <class T> void put_list(out_buffer& out, const std::vector<T>& items) {
    out.push_back('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) {
            out.push_back(',');
        }
        put_string(out, items[i].to_string());
    }
    out.push_back(']');
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t j = std::min(s.find(' ', i), s.size());
        if (j > i) {
            words.push_back(s.substr(i, j - i));
        }
        i = j + 1;
    }
    return words;
}

std::optional<unsigned> parse_unsigned(std::string_view s) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

bool is_v6_text(std::string_view s) {
    return s.find(':') != std::string_view::npos;
}

// --- addresses ---------------------------------------------------------------------------

void put_address(out_buffer& out, const ip_address& a) {
    object_writer o(out);
    o.field("v", a.is_v4() ? 4u : 6u);
    o.field("c", a.to_string());
    o.field("x", a.exploded());
    o.field("r", a.reverse_pointer());
    o.field("i", decimal(a.is_v4() ? uint128{a.v4().to_uint()} : a.v6().to_uint()));
    o.field("priv", a.is_private());
    o.field("glob", a.is_global());
    o.field("loop", a.is_loopback());
    o.field("ll", a.is_link_local());
    o.field("mc", a.is_multicast());
    o.field("res", a.is_reserved());
    o.field("unsp", a.is_unspecified());
    if (a.is_v6()) {
        const ipv6_address& v6 = a.v6();
        o.field("zone", v6.zone());
        o.field("sl", v6.is_site_local());
        if (const auto m = v6.ipv4_mapped()) {
            o.field("m4", m->to_string());
        } else {
            put(o.key("m4"), "null");
        }
        if (const auto s = v6.sixtofour()) {
            o.field("s4", s->to_string());
        } else {
            put(o.key("s4"), "null");
        }
        if (const auto t = v6.teredo()) {
            auto& b = o.key("ter");
            b.push_back('[');
            put_string(b, t->server.to_string());
            b.push_back(',');
            put_string(b, t->client.to_string());
            b.push_back(']');
        } else {
            put(o.key("ter"), "null");
        }
    }
}

void cmd_addr(out_buffer& out, std::string_view text) {
    const auto a = ip_address::parse(text);
    if (!a) {
        put_error(out);
        return;
    }
    put_address(out, *a);
}

// --- networks ----------------------------------------------------------------------------

template <class A> void put_network(out_buffer& out, const basic_network<A>& n) {
    object_writer o(out);
    o.field("v", std::is_same_v<A, ipv4_address> ? 4u : 6u);
    o.field("s", n.to_string());
    o.field("na", n.network_address().to_string());
    if constexpr (std::is_same_v<A, ipv6_address>) {
        o.field("nax", n.network_address().exploded());
    }
    o.field("bc", n.broadcast_address().to_string());
    o.field("nm", n.netmask().to_string());
    o.field("hm", n.hostmask().to_string());
    o.field("pl", n.prefix_length());
    o.field("num", n.num_addresses().to_string());
    o.field("priv", n.is_private());
    o.field("glob", n.is_global());
    o.field("loop", n.is_loopback());
    o.field("ll", n.is_link_local());
    o.field("mc", n.is_multicast());
    o.field("res", n.is_reserved());
    o.field("unsp", n.is_unspecified());
}

template <class A>
std::optional<basic_network<A>> parse_network(std::string_view text,
                                              parse_mode mode = parse_mode::lenient) {
    const auto n = basic_network<A>::parse(text, mode);
    if (!n) {
        return std::nullopt;
    }
    return *n;
}

void cmd_net(out_buffer& out, std::string_view text, parse_mode mode) {
    if (is_v6_text(text)) {
        if (const auto n = parse_network<ipv6_address>(text, mode)) {
            put_network(out, *n);
            return;
        }
    } else if (const auto n = parse_network<ipv4_address>(text, mode)) {
        put_network(out, *n);
        return;
    }
    put_error(out);
}

template <class A> bool put_interface(out_buffer& out, std::string_view text) {
    const auto i = basic_interface<A>::parse(text);
    if (!i) {
        return false;
    }
    object_writer o(out);
    o.field("v", std::is_same_v<A, ipv4_address> ? 4u : 6u);
    o.field("s", i->to_string());
    o.field("ip", i->address().to_string());
    o.field("net", i->network().to_string());
    o.field("pl", i->prefix_length());
    return true;
}

void cmd_iface(out_buffer& out, std::string_view text) {
    const bool ok = is_v6_text(text) ? put_interface<ipv6_address>(out, text)
                                     : put_interface<ipv4_address>(out, text);
    if (!ok) {
        put_error(out);
    }
}

// --- operations on one family ------------------------------------------------------------

template <class A> bool op_subnets(out_buffer& out, std::span<const std::string_view> args) {
    const auto n = parse_network<A>(args[0]);
    const auto p = parse_unsigned(args[1]);
    const auto k = parse_unsigned(args[2]);
    if (!n || !p || !k) {
        return false;
    }
    const auto range = n->subnets(*p);
    if (!range) {
        return false;
    }
    std::vector<basic_network<A>> first;
    for (auto it = range->begin(); it != range->end() && first.size() < *k; ++it) {
        first.push_back(*it);
    }
    object_writer o(out);
    o.field("count", range->size().to_string());
    put_list(o.key("first"), first);
    return true;
}

template <class A> bool op_supernet(out_buffer& out, std::span<const std::string_view> args) {
    const auto n = parse_network<A>(args[0]);
    if (!n) {
        return false;
    }
    std::optional<basic_network<A>> s;
    if (args.size() == 1) {
        s = n->supernet();
    } else if (const auto p = parse_unsigned(args[1])) {
        s = n->supernet(*p);
    }
    if (!s) {
        return false;
    }
    object_writer o(out);
    o.field("net", s->to_string());
    return true;
}

template <class A> bool op_exclude(out_buffer& out, std::span<const std::string_view> args) {
    const auto n = parse_network<A>(args[0]);
    const auto x = parse_network<A>(args[1]);
    if (!n || !x) {
        return false;
    }
    const auto rest = address_exclude(*n, *x);
    if (!rest) {
        return false;
    }
    object_writer o(out);
    put_list(o.key("list"), *rest);
    return true;
}

template <class A> bool op_collapse(out_buffer& out, std::span<const std::string_view> args) {
    std::vector<basic_network<A>> nets;
    for (const auto a : args) {
        const auto n = parse_network<A>(a);
        if (!n) {
            return false;
        }
        nets.push_back(*n);
    }
    const auto merged = collapse(std::span<const basic_network<A>>(nets));
    object_writer o(out);
    put_list(o.key("list"), merged);
    return true;
}

template <class A> bool op_summarize(out_buffer& out, std::span<const std::string_view> args) {
    const auto first = A::parse(args[0]);
    const auto last = A::parse(args[1]);
    if (!first || !last) {
        return false;
    }
    object_writer o(out);
    put_list(o.key("list"), summarize_range(*first, *last));
    return true;
}

template <class A> bool op_contains(out_buffer& out, std::span<const std::string_view> args) {
    const auto n = parse_network<A>(args[0]);
    const auto a = A::parse(args[1]);
    if (!n || !a) {
        return false;
    }
    object_writer o(out);
    o.field("in", n->contains(*a));
    return true;
}

template <class A> bool op_rel(out_buffer& out, std::span<const std::string_view> args) {
    const auto a = parse_network<A>(args[0]);
    const auto b = parse_network<A>(args[1]);
    if (!a || !b) {
        return false;
    }
    object_writer o(out);
    o.field("sub", a->subnet_of(*b));
    o.field("sup", a->supernet_of(*b));
    o.field("ov", a->overlaps(*b));
    const auto c = *a <=> *b;
    put(o.key("cmp"), c < 0 ? "-1" : c > 0 ? "1" : "0");
    return true;
}

template <class A> bool op_hosts(out_buffer& out, std::span<const std::string_view> args) {
    const auto n = parse_network<A>(args[0]);
    const auto k = parse_unsigned(args[1]);
    if (!n || !k) {
        return false;
    }
    std::vector<A> first;
    const auto range = n->hosts();
    for (auto it = range.begin(); it != range.end() && first.size() < *k; ++it) {
        first.push_back(*it);
    }
    object_writer o(out);
    put_list(o.key("list"), first);
    return true;
}

template <class A> bool op_sortnet(out_buffer& out, std::span<const std::string_view> args) {
    std::vector<basic_network<A>> nets;
    for (const auto a : args) {
        const auto n = parse_network<A>(a);
        if (!n) {
            return false;
        }
        nets.push_back(*n);
    }
    std::sort(nets.begin(), nets.end());
    object_writer o(out);
    put_list(o.key("list"), nets);
    return true;
}

bool op_sort(out_buffer& out, std::span<const std::string_view> args) {
    std::vector<ip_address> addrs;
    for (const auto a : args) {
        const auto p = ip_address::parse(a);
        if (!p) {
            return false;
        }
        addrs.push_back(*p);
    }
    std::sort(addrs.begin(), addrs.end());
    object_writer o(out);
    put_list(o.key("list"), addrs);
    return true;
}

using family_op = bool (*)(out_buffer&, std::span<const std::string_view>);

struct operation {
    std::string_view name;
    std::size_t min_args;
    std::size_t max_args;
    family_op v4;
    family_op v6;
};

constexpr std::size_t many = static_cast<std::size_t>(-1);

constexpr operation operations[] = {
    {"subnets", 3, 3, op_subnets<ipv4_address>, op_subnets<ipv6_address>},
    {"supernet", 2, 2, op_supernet<ipv4_address>, op_supernet<ipv6_address>},
    {"supernet1", 1, 1, op_supernet<ipv4_address>, op_supernet<ipv6_address>},
    {"exclude", 2, 2, op_exclude<ipv4_address>, op_exclude<ipv6_address>},
    {"collapse", 1, many, op_collapse<ipv4_address>, op_collapse<ipv6_address>},
    {"summarize", 2, 2, op_summarize<ipv4_address>, op_summarize<ipv6_address>},
    {"contains", 2, 2, op_contains<ipv4_address>, op_contains<ipv6_address>},
    {"rel", 2, 2, op_rel<ipv4_address>, op_rel<ipv6_address>},
    {"hosts", 2, 2, op_hosts<ipv4_address>, op_hosts<ipv6_address>},
    {"sortnet", 1, many, op_sortnet<ipv4_address>, op_sortnet<ipv6_address>},
    {"sort", 1, many, op_sort, op_sort},
};

void run_line(out_buffer& out, std::string_view line) {
    const std::size_t space = line.find(' ');
    const std::string_view cmd = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (cmd == "addr") {
        cmd_addr(out, rest);
        return;
    }
    if (cmd == "net" || cmd == "strict") {
        cmd_net(out, rest, cmd == "net" ? parse_mode::lenient : parse_mode::strict);
        return;
    }
    if (cmd == "iface") {
        cmd_iface(out, rest);
        return;
    }
    const auto args = split_words(rest);
    for (const auto& op : operations) {
        if (op.name != cmd) {
            continue;
        }
        if (args.size() < op.min_args || args.size() > op.max_args) {
            break;
        }
        // The family is the first argument's; the script never mixes families.
        const family_op f = is_v6_text(args[0]) ? op.v6 : op.v4;
        if (f(out, args)) {
            return;
        }
        break;
    }
    put_error(out);
}

} // namespace

int main() {
    std::ios::sync_with_stdio(false);
    out_buffer out;
    std::string line;
    while (std::getline(std::cin, line)) {
        run_line(out, line);
        if (out.size() > (1u << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
}
