#include <weft/addr/network.hpp>

#include <algorithm>

namespace weft::addr {

namespace {

// "address/prefix", the text of both networks and interfaces.
template <class A>
std::size_t format_prefixed(const A& address, unsigned prefix, std::span<char> out) noexcept {
    std::size_t n = address.format_to(out);
    out[n++] = '/';
    return n + format_decimal(prefix, out.subspan(n));
}

} // namespace

template <class A> std::size_t basic_network<A>::format_to(std::span<char> out) const noexcept {
    return format_prefixed(address_, prefix_, out);
}

template <class A> std::string basic_network<A>::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

template <class A> std::size_t basic_interface<A>::format_to(std::span<char> out) const noexcept {
    return format_prefixed(address_, prefix_, out);
}

template <class A> std::string basic_interface<A>::to_string() const {
    char buf[max_string_length];
    return std::string(buf, format_to(buf));
}

template <class A> std::vector<basic_network<A>> summarize_range(A first, A last) {
    using U = typename A::uint_type;
    std::vector<basic_network<A>> out;
    U lo = first.to_uint();
    const U hi = last.to_uint();
    if (lo > hi) {
        return out;
    }
    while (true) {
        // The largest aligned block starting at lo that does not pass hi.
        int host_bits = std::min(detail::count_trailing_zeros(lo), A::bits);
        const U remaining = hi - lo; // count - 1, so a full space does not overflow
        if (remaining != static_cast<U>(~U{0})) {
            host_bits = std::min(host_bits, detail::floor_log2(static_cast<U>(remaining + 1)));
        }
        out.emplace_back(A::from_uint(lo), static_cast<unsigned>(A::bits - host_bits));
        if (host_bits == A::bits) {
            break;
        }
        const U block_last = lo + ((U{1} << host_bits) - 1);
        if (block_last >= hi) {
            break;
        }
        lo = block_last + 1;
    }
    return out;
}

template <class A>
std::vector<basic_network<A>> collapse(std::span<const basic_network<A>> networks) {
    using U = typename A::uint_type;
    struct span_of {
        U first;
        U last;
    };
    std::vector<span_of> spans;
    spans.reserve(networks.size());
    for (const auto& n : networks) {
        spans.push_back({n.network_address().to_uint(), n.broadcast_address().to_uint()});
    }
    std::sort(spans.begin(), spans.end(),
              [](const span_of& a, const span_of& b) { return a.first < b.first; });
    std::vector<basic_network<A>> out;
    std::size_t i = 0;
    while (i < spans.size()) {
        U first = spans[i].first;
        U last = spans[i].last;
        ++i;
        // Merge overlapping and adjacent spans; once last == max every later span is inside.
        while (i < spans.size() && (last == static_cast<U>(~U{0}) || spans[i].first <= last + 1)) {
            last = std::max(last, spans[i].last);
            ++i;
        }
        for (const auto& n : summarize_range(A::from_uint(first), A::from_uint(last))) {
            out.push_back(n);
        }
    }
    return out;
}

template <class A>
std::optional<std::vector<basic_network<A>>> address_exclude(const basic_network<A>& network,
                                                             const basic_network<A>& excluded) {
    if (!excluded.subnet_of(network)) {
        return std::nullopt;
    }
    std::vector<basic_network<A>> out;
    basic_network<A> current = network;
    // Halve until the excluded network is reached, keeping the half that does not hold it;
    // the order is Python's address_exclude.
    while (current != excluded) {
        const unsigned next = current.prefix_length() + 1;
        const basic_network<A> lower(current.network_address(), next);
        const basic_network<A> upper(A::from_uint(lower.broadcast_address().to_uint() + 1), next);
        if (lower.contains(excluded)) {
            out.push_back(upper);
            current = lower;
        } else {
            out.push_back(lower);
            current = upper;
        }
    }
    return out;
}

template class basic_network<ipv4_address>;
template class basic_network<ipv6_address>;
template class basic_interface<ipv4_address>;
template class basic_interface<ipv6_address>;
template std::vector<ipv4_network> summarize_range(ipv4_address, ipv4_address);
template std::vector<ipv6_network> summarize_range(ipv6_address, ipv6_address);
template std::vector<ipv4_network> collapse(std::span<const ipv4_network>);
template std::vector<ipv6_network> collapse(std::span<const ipv6_network>);
template std::optional<std::vector<ipv4_network>> address_exclude(const ipv4_network&,
                                                                  const ipv4_network&);
template std::optional<std::vector<ipv6_network>> address_exclude(const ipv6_network&,
                                                                  const ipv6_network&);

} // namespace weft::addr
