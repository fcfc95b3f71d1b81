#include <weft/addr/services.hpp>

namespace weft::addr {

std::vector<service_entry> parse_services(std::string_view text) {
    std::vector<service_entry> entries;
    for (const service_entry e : services_view(text)) {
        entries.push_back(e);
    }
    return entries;
}

std::vector<service_entry> lookup(std::string_view text, port p) {
    std::vector<service_entry> entries;
    for (const service_entry e : services_view(text)) {
        if (e.port == p) {
            entries.push_back(e);
        }
    }
    return entries;
}

std::optional<service_entry> lookup(std::string_view text, port p,
                                    std::string_view protocol) noexcept {
    for (const service_entry e : services_view(text)) {
        if (e.port == p && e.protocol == protocol) {
            return e;
        }
    }
    return std::nullopt;
}

std::optional<port> lookup(std::string_view text, std::string_view name,
                           std::string_view protocol) noexcept {
    // getservbyname(3) with a null protocol matches any; "" plays that role here.
    for (const service_entry e : services_view(text)) {
        if ((protocol.empty() || e.protocol == protocol) && e.has_name(name)) {
            return e.port;
        }
    }
    return std::nullopt;
}

} // namespace weft::addr
