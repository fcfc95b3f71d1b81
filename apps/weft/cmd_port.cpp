// weft port info: the RFC 6335 range of a port and its names in /etc/services.

#include "commands.hpp"
#include "output.hpp"

#include <weft/addr/port.hpp>
#include <weft/addr/services.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace weft::cli {

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
    info->add_option("P", opt->text, "0..65535")->required();
    info->add_option("--services", opt->services, "services database")->capture_default_str();
    info->add_flag("--json", opt->json, "print JSON instead of a table");
    info->callback([opt, &status] {
        const auto p = addr::port::parse(opt->text);
        if (!p) {
            status = fail("port info", opt->text, p.error());
            return;
        }
        // A missing services file is not an error for the port itself (minimal containers
        // have none): the port simply has no known names.
        std::string text;
        if (std::ifstream in(opt->services); in) {
            std::ostringstream buf;
            buf << in.rdbuf();
            text = buf.str();
        } else if (opt->services != "/etc/services") {
            status = fail("port info",
                          fmt::format("--services {}: cannot read the file", opt->services));
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
