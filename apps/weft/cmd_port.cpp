// weft port info: the RFC 6335 range of a port and its names in /etc/services.

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <weft/addr/port.hpp>
#include <weft/addr/services.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace weft::cli {
namespace {

bool is_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string unknown_service(std::string_view services, const std::string& name,
                            const std::string& file) {
    std::vector<std::string> names;
    for (const auto& e : addr::services_view(services)) {
        if (names.empty() || names.back() != e.name) {
            names.emplace_back(e.name);
        }
    }
    std::string out =
        fmt::format("{}: not a port number, nor a service name in {}", addr::quoted(name), file);
    // Several names are often as close ("htp": ftp, http): offer the few best.
    auto near = closest_names(name, names);
    if (near.size() > 3) {
        near.resize(3);
    }
    if (!near.empty()) {
        out += fmt::format(" (did you mean {}?)", fmt::join(near, " or "));
    }
    return out;
}

} // namespace

void add_port_commands(CLI::App& app, int& status) {
    auto* port = app.add_subcommand("port", "TCP/UDP ports: ranges and service names");
    port->require_subcommand(1);
    struct options {
        std::string text;
        std::string services = "/etc/services";
        bool json = false;
    };
    auto opt = std::make_shared<options>();
    auto* info = port->add_subcommand("info", "range and service names of port P");
    info->add_option("P", opt->text, "a port 0..65535, or a service name such as http")->required();
    info->add_option("--services", opt->services, "services database (default /etc/services)")
        ->type_name("FILE");
    info->add_flag("--json", opt->json, "print JSON instead of a table");
    set_example(info, "weft port info 53");
    info->callback([opt, &status] {
        // A missing services file is not an error for a port number (minimal containers have
        // none): the port simply has no known names.
        std::string text;
        if (std::ifstream in(opt->services); in) {
            std::ostringstream buf;
            buf << in.rdbuf();
            text = buf.str();
        } else if (opt->services != "/etc/services") {
            status = fail("port info", fmt::format("--services {}: cannot read the file",
                                                   addr::quoted(opt->services)));
            return;
        }
        auto p = addr::port::parse(opt->text);
        if (!p && !opt->text.empty() && !is_digits(opt->text)) {
            // A name, as getservbyname(3) takes it: the first entry in any protocol.
            if (auto by_name = addr::lookup(text, opt->text, "")) {
                p = *by_name;
            } else {
                status = fail("port info", unknown_service(text, opt->text, opt->services));
                return;
            }
        }
        if (!p) {
            status = fail("port info", opt->text, p.error());
            return;
        }
        boost::json::array names;
        for (const auto& e : addr::lookup(text, *p)) {
            names.emplace_back(fmt::format("{}/{}", e.name, e.protocol));
        }
        boost::json::object o;
        o["port"] = p->to_uint();
        o["range"] = addr::to_string(p->category());
        o["services"] = std::move(names);
        print_object(o, opt->json);
        status = exit_ok;
    });
}

} // namespace weft::cli
