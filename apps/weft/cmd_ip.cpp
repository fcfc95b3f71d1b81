// weft ip: the address and CIDR calculator (info, subnets, supernet, exclude, aggregate,
// summarize, contains), Python ipaddress semantics with RFC 5952 output.

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <weft/addr/network.hpp>
#include <weft/addr/special_purpose.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace weft::cli {
namespace {

using addr::ipv4_address;
using addr::ipv6_address;
namespace json = boost::json;

bool looks_v6(std::string_view text) {
    return text.find(':') != std::string_view::npos;
}

json::value optional_v4(std::optional<ipv4_address> a) {
    return a ? json::value(a->to_string()) : json::value(nullptr);
}

// The reverse DNS zone that covers a network: whole octets (IPv4) or nibbles (IPv6) of
// the prefix, as an operator delegating PTR records would name it.
template <class A> std::string reverse_zone(const addr::basic_network<A>& net) {
    const std::string full = net.network_address().reverse_pointer();
    const unsigned unit = std::is_same_v<A, ipv4_address> ? 8 : 4;
    const unsigned labels_total = A::bits / unit;
    const unsigned keep = net.prefix_length() / unit;
    // Drop (labels_total - keep) leading labels from the full name.
    std::size_t pos = 0;
    for (unsigned i = 0; i < labels_total - keep; ++i) {
        pos = full.find('.', pos) + 1;
    }
    return full.substr(pos);
}

template <class A> void add_address_fields(json::object& o, const A& a) {
    o["compressed"] = a.to_string();
    if constexpr (std::is_same_v<A, ipv6_address>) {
        o["exploded"] = a.exploded();
    } else {
        o["exploded"] = a.to_string();
    }
    o["reverse_pointer"] = a.reverse_pointer();
}

template <class T> void add_predicates(json::object& o, const T& x) {
    o["is_private"] = x.is_private();
    o["is_global"] = x.is_global();
    o["is_loopback"] = x.is_loopback();
    o["is_link_local"] = x.is_link_local();
    o["is_multicast"] = x.is_multicast();
    o["is_reserved"] = x.is_reserved();
    o["is_unspecified"] = x.is_unspecified();
    o["is_documentation"] = x.is_documentation();
}

// Embedded-address fields: present for every object so scripts can rely on the keys.
void add_embedded(json::object& o, const ipv6_address* a) {
    if (a == nullptr) {
        o["ipv4_mapped"] = nullptr;
        o["sixtofour"] = nullptr;
        o["teredo"] = nullptr;
        o["scope_id"] = nullptr;
        return;
    }
    o["ipv4_mapped"] = optional_v4(a->ipv4_mapped());
    o["sixtofour"] = optional_v4(a->sixtofour());
    if (auto t = a->teredo()) {
        o["teredo"] =
            json::object{{"server", t->server.to_string()}, {"client", t->client.to_string()}};
    } else {
        o["teredo"] = nullptr;
    }
    o["scope_id"] = a->has_zone() ? json::value(std::string(a->zone())) : json::value(nullptr);
}

template <class A> void add_special(json::object& o, const A& a) {
    if (const auto* row = addr::find_special_purpose(a)) {
        o["special_purpose"] = json::object{
            {"network", row->network.to_string()}, {"name", row->name}, {"rfc", row->rfc}};
    } else {
        o["special_purpose"] = nullptr;
    }
}

template <class A> void add_network_fields(json::object& o, const addr::basic_network<A>& net) {
    o["network"] = net.to_string();
    o["network_address"] = net.network_address().to_string();
    o["broadcast_address"] = net.broadcast_address().to_string();
    o["netmask"] = net.netmask().to_string();
    o["hostmask"] = net.hostmask().to_string();
    o["prefix_length"] = net.prefix_length();
    o["num_addresses"] = net.num_addresses().to_string();
    o["first_host"] = net.first_host().to_string();
    o["last_host"] = net.last_host().to_string();
}

template <class A> json::object address_info(const A& a) {
    json::object o;
    o["kind"] = "address";
    o["version"] = std::is_same_v<A, ipv4_address> ? 4 : 6;
    o["address"] = a.to_string();
    add_address_fields(o, a);
    add_predicates(o, a);
    if constexpr (std::is_same_v<A, ipv6_address>) {
        add_embedded(o, &a);
    } else {
        add_embedded(o, nullptr);
    }
    add_special(o, a);
    return o;
}

template <class A> json::object network_info(const addr::basic_network<A>& net) {
    json::object o;
    o["kind"] = "network";
    o["version"] = std::is_same_v<A, ipv4_address> ? 4 : 6;
    o["compressed"] = net.to_string();
    if constexpr (std::is_same_v<A, ipv6_address>) {
        o["exploded"] = fmt::format("{}/{}", net.network_address().exploded(), net.prefix_length());
    } else {
        o["exploded"] = net.to_string();
    }
    o["reverse_pointer"] = reverse_zone(net);
    add_network_fields(o, net);
    add_predicates(o, net);
    add_embedded(o, nullptr);
    add_special(o, net.network_address());
    return o;
}

template <class A> json::object interface_info(const addr::basic_interface<A>& iface) {
    json::object o;
    o["kind"] = "interface";
    o["version"] = std::is_same_v<A, ipv4_address> ? 4 : 6;
    o["address"] = iface.address().to_string();
    o["compressed"] = iface.to_string();
    if constexpr (std::is_same_v<A, ipv6_address>) {
        o["exploded"] = fmt::format("{}/{}", iface.address().exploded(), iface.prefix_length());
    } else {
        o["exploded"] = iface.to_string();
    }
    o["reverse_pointer"] = iface.address().reverse_pointer();
    add_network_fields(o, iface.network());
    add_predicates(o, iface.address());
    if constexpr (std::is_same_v<A, ipv6_address>) {
        const ipv6_address a = iface.address();
        add_embedded(o, &a);
    } else {
        add_embedded(o, nullptr);
    }
    add_special(o, iface.address());
    return o;
}

template <class A> int info_for(std::string_view text, bool strict, bool json_out) {
    constexpr std::string_view cmd = "ip info";
    if (text.find('/') == std::string_view::npos) {
        const auto a = A::parse(text);
        if (!a) {
            return fail(cmd, text, a.error());
        }
        print_object(address_info(*a), json_out);
        return exit_ok;
    }
    const auto iface = addr::basic_interface<A>::parse(text);
    if (!iface) {
        return fail(cmd, text, iface.error());
    }
    bool zoned = false;
    if constexpr (std::is_same_v<A, ipv6_address>) {
        zoned = iface->address().has_zone(); // a zone belongs to an interface, never a network
    }
    if (!zoned && iface->address().to_uint() == iface->network().network_address().to_uint()) {
        print_object(network_info(iface->network()), json_out);
        return exit_ok;
    }
    if (strict) {
        const auto net = addr::basic_network<A>::parse(text, addr::parse_mode::strict);
        return fail(cmd, text, net.error());
    }
    print_object(interface_info(*iface), json_out);
    return exit_ok;
}

// Parses a network of either family, leniently unless `strict`. Errors are reported.
struct any_network {
    std::optional<addr::ipv4_network> v4;
    std::optional<addr::ipv6_network> v6;
};

std::optional<any_network> parse_network(std::string_view cmd, std::string_view text, bool strict,
                                         int& status) {
    const auto mode = strict ? addr::parse_mode::strict : addr::parse_mode::lenient;
    any_network n;
    if (looks_v6(text)) {
        auto r = addr::ipv6_network::parse(text, mode);
        if (!r) {
            status = fail(cmd, text, r.error());
            return std::nullopt;
        }
        n.v6 = *r;
    } else {
        auto r = addr::ipv4_network::parse(text, mode);
        if (!r) {
            status = fail(cmd, text, r.error());
            return std::nullopt;
        }
        n.v4 = *r;
    }
    return n;
}

// Prints networks one per line, or as one JSON array; streams, so /8 → /32 works.
class network_printer {
  public:
    explicit network_printer(bool json) : json_(json) {}
    template <class N> void add(const N& net) {
        char buf[N::max_string_length];
        const std::string_view text(buf, net.format_to(buf));
        if (json_) {
            fmt::print("{}\"{}\"", first_ ? "[" : ",", text);
        } else {
            fmt::print("{}\n", text);
        }
        first_ = false;
    }
    ~network_printer() {
        if (json_) {
            fmt::print("{}\n", first_ ? "[]" : "]");
        }
    }

  private:
    bool json_;
    bool first_ = true;
};

int run_subnets(const std::string& text, int new_prefix, bool strict, bool json_out) {
    constexpr std::string_view cmd = "ip subnets";
    int status = exit_ok;
    const auto n = parse_network(cmd, text, strict, status);
    if (!n) {
        return status;
    }
    auto emit = [&](const auto& net) {
        const auto subnets = net.subnets(static_cast<unsigned>(std::max(new_prefix, 0)));
        if (new_prefix < 0 || !subnets) {
            return fail(cmd, fmt::format("--prefix {}: must be {}..{} for {}", new_prefix,
                                         net.prefix_length(), net.bits, net.to_string()));
        }
        network_printer out(json_out);
        for (const auto& s : *subnets) {
            out.add(s);
        }
        return exit_ok;
    };
    return n->v4 ? emit(*n->v4) : emit(*n->v6);
}

int run_supernet(const std::string& text, std::optional<int> new_prefix, bool strict,
                 bool json_out) {
    constexpr std::string_view cmd = "ip supernet";
    int status = exit_ok;
    const auto n = parse_network(cmd, text, strict, status);
    if (!n) {
        return status;
    }
    auto emit = [&](const auto& net) {
        const int target = new_prefix.value_or(static_cast<int>(net.prefix_length()) - 1);
        if (target < 0 || target > static_cast<int>(net.prefix_length())) {
            return fail(cmd, fmt::format("--prefix {}: must be 0..{} for {}", target,
                                         net.prefix_length(), net.to_string()));
        }
        network_printer out(json_out);
        out.add(*net.supernet(static_cast<unsigned>(target)));
        return exit_ok;
    };
    return n->v4 ? emit(*n->v4) : emit(*n->v6);
}

int run_exclude(const std::string& text, const std::string& excluded_text, bool strict,
                bool json_out) {
    constexpr std::string_view cmd = "ip exclude";
    int status = exit_ok;
    const auto n = parse_network(cmd, text, strict, status);
    if (!n) {
        return status;
    }
    const auto x = parse_network(cmd, excluded_text, strict, status);
    if (!x) {
        return status;
    }
    if (n->v4.has_value() != x->v4.has_value()) {
        return fail(cmd, fmt::format("{} and {} are not the same IP version", text, excluded_text));
    }
    auto emit = [&](const auto& net, const auto& excluded) {
        const auto rest = addr::address_exclude(net, excluded);
        if (!rest) {
            return fail(cmd, fmt::format("{} is not a subnet of {}", excluded.to_string(),
                                         net.to_string()));
        }
        network_printer out(json_out);
        for (const auto& r : *rest) {
            out.add(r);
        }
        return exit_ok;
    };
    return n->v4 ? emit(*n->v4, *x->v4) : emit(*n->v6, *x->v6);
}

int run_aggregate(const std::vector<std::string>& args, bool strict, bool json_out) {
    constexpr std::string_view cmd = "ip aggregate";
    std::vector<std::string> inputs = args;
    const bool from_stdin = inputs.empty();
    if (from_stdin) {
        for (std::string line; std::getline(std::cin, line);) {
            inputs.push_back(line);
        }
    }
    std::vector<addr::ipv4_network> v4;
    std::vector<addr::ipv6_network> v6;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::string_view text = inputs[i];
        if (from_stdin) {
            // Files of prefixes carry comments and blank lines; skip them, trim the rest.
            text = text.substr(0, text.find('#'));
            const auto b = text.find_first_not_of(" \t\r");
            if (b == std::string_view::npos) {
                continue;
            }
            text = text.substr(b, text.find_last_not_of(" \t\r") - b + 1);
        }
        int status = exit_ok;
        const auto where = from_stdin ? fmt::format("{}: line {}", cmd, i + 1) : std::string(cmd);
        const auto n = parse_network(where, text, strict, status);
        if (!n) {
            return status;
        }
        if (n->v4) {
            v4.push_back(*n->v4);
        } else {
            v6.push_back(*n->v6);
        }
    }
    network_printer out(json_out);
    for (const auto& n : addr::collapse<ipv4_address>(v4)) {
        out.add(n);
    }
    for (const auto& n : addr::collapse<ipv6_address>(v6)) {
        out.add(n);
    }
    return exit_ok;
}

int run_summarize(const std::string& first_text, const std::string& last_text, bool json_out) {
    constexpr std::string_view cmd = "ip summarize";
    const auto first = addr::ip_address::parse(first_text);
    if (!first) {
        return fail(cmd, first_text, first.error());
    }
    const auto last = addr::ip_address::parse(last_text);
    if (!last) {
        return fail(cmd, last_text, last.error());
    }
    if (first->version() != last->version()) {
        return fail(cmd,
                    fmt::format("{} and {} are not the same IP version", first_text, last_text));
    }
    if (*first > *last) {
        return fail(cmd, fmt::format("{} is after {}", first_text, last_text));
    }
    network_printer out(json_out);
    if (first->is_v4()) {
        for (const auto& n : addr::summarize_range(first->v4(), last->v4())) {
            out.add(n);
        }
    } else {
        for (const auto& n :
             addr::summarize_range(first->v6().without_zone(), last->v6().without_zone())) {
            out.add(n);
        }
    }
    return exit_ok;
}

int run_contains(const std::string& net_text, const std::string& x_text, bool strict,
                 bool json_out) {
    constexpr std::string_view cmd = "ip contains";
    int status = exit_ok;
    const auto n = parse_network(cmd, net_text, strict, status);
    if (!n) {
        return status;
    }
    const auto x = parse_network(cmd, x_text, false, status);
    if (!x) {
        return status;
    }
    bool inside = false;
    if (n->v4 && x->v4) {
        inside = n->v4->contains(*x->v4);
    } else if (n->v6 && x->v6) {
        inside = n->v6->contains(*x->v6);
    }
    if (json_out) {
        print_json(
            boost::json::object{{"network", net_text}, {"value", x_text}, {"contains", inside}});
    } else {
        fmt::print("{}\n", inside);
    }
    return inside ? exit_ok : exit_false;
}

} // namespace

void add_ip_commands(CLI::App& app, int& status) {
    auto* ip = app.add_subcommand(
        "ip", "IPv4/IPv6 addresses and CIDR networks (ipcalc, Python's ipaddress)");
    ip->require_subcommand(1);

    struct options {
        std::string x, y;
        std::vector<std::string> list;
        int prefix = -1;
        std::optional<int> super_prefix;
        bool strict = false;
        bool json = false;
    };
    auto opt = std::make_shared<options>();
    auto common = [opt](CLI::App* c) {
        c->add_flag("--json", opt->json, "print JSON instead of a table");
        c->add_flag("--strict", opt->strict, "reject networks with host bits set");
    };

    auto* info = ip->add_subcommand("info", "everything about an address, network or interface");
    info->add_option("X", opt->x,
                     "address (1.2.3.4), network (10.0.0.0/8) or interface (10.1.2.3/8)")
        ->required();
    common(info);
    set_example(info, "weft ip info 192.168.100.1/26");
    info->callback([opt, &status] {
        status = looks_v6(opt->x) ? info_for<ipv6_address>(opt->x, opt->strict, opt->json)
                                  : info_for<ipv4_address>(opt->x, opt->strict, opt->json);
    });

    auto* subnets = ip->add_subcommand("subnets", "split NET into subnets of --prefix N");
    subnets->add_option("NET", opt->x, "network")->required();
    add_number_option(subnets, "--prefix", opt->prefix, 0, 128, "new prefix length")->required();
    common(subnets);
    set_example(subnets, "weft ip subnets 192.168.100.0/26 --prefix 28");
    subnets->callback(
        [opt, &status] { status = run_subnets(opt->x, opt->prefix, opt->strict, opt->json); });

    auto* supernet = ip->add_subcommand(
        "supernet", "the network of --prefix N (default: one shorter) holding NET");
    supernet->add_option("NET", opt->x, "network")->required();
    supernet->add_option("--prefix", opt->super_prefix, "new prefix length")
        ->check(number_in(0, 128))
        ->type_name("N");
    common(supernet);
    set_example(supernet, "weft ip supernet 192.168.100.0/26 --prefix 16");
    supernet->callback([opt, &status] {
        status = run_supernet(opt->x, opt->super_prefix, opt->strict, opt->json);
    });

    auto* exclude = ip->add_subcommand("exclude", "NET without EXCLUDED, as the fewest networks");
    exclude->add_option("NET", opt->x, "network")->required();
    exclude->add_option("EXCLUDED", opt->y, "a subnet of NET")->required();
    common(exclude);
    set_example(exclude, "weft ip exclude 192.0.2.0/28 192.0.2.1/32");
    exclude->callback(
        [opt, &status] { status = run_exclude(opt->x, opt->y, opt->strict, opt->json); });

    auto* aggregate = ip->add_subcommand(
        "aggregate", "collapse networks into the fewest (stdin, one per line, if none given)");
    aggregate->add_option("X", opt->list, "networks or addresses");
    common(aggregate);
    set_example(aggregate, "weft ip aggregate 192.0.2.0/25 192.0.2.128/25 10.0.0.1");
    aggregate->callback(
        [opt, &status] { status = run_aggregate(opt->list, opt->strict, opt->json); });

    auto* summarize = ip->add_subcommand("summarize", "the fewest networks covering FIRST..LAST");
    summarize->add_option("FIRST", opt->x, "first address")->required();
    summarize->add_option("LAST", opt->y, "last address")->required();
    summarize->add_flag("--json", opt->json, "print a JSON array");
    set_example(summarize, "weft ip summarize 192.0.2.0 192.0.2.130");
    summarize->callback([opt, &status] { status = run_summarize(opt->x, opt->y, opt->json); });

    auto* contains = ip->add_subcommand("contains", "is X inside NET? prints true/false, exit 0/1");
    contains->add_option("NET", opt->x, "network")->required();
    contains->add_option("X", opt->y, "address or network")->required();
    contains->add_flag("--strict", opt->strict, "reject NET with host bits set");
    contains->add_flag("--json", opt->json, "print {\"contains\": true|false, ...}");
    set_example(contains, "weft ip contains 10.0.0.0/8 10.1.2.3");
    contains->callback(
        [opt, &status] { status = run_contains(opt->x, opt->y, opt->strict, opt->json); });
}

} // namespace weft::cli
