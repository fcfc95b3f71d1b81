#pragma once

// Each command group adds its subcommands to the `weft` app. A subcommand's callback stores
// its exit status in `status`, which main returns.

#include <CLI/CLI.hpp>

namespace weft::cli {

void add_ip_commands(CLI::App& app, int& status);
void add_mac_commands(CLI::App& app, int& status);
void add_asn_commands(CLI::App& app, int& status);
void add_port_commands(CLI::App& app, int& status);
void add_serve_commands(CLI::App& app, int& status);
void add_echo_commands(CLI::App& app, int& status);
void add_version_commands(CLI::App& app, int& status);
void add_help_commands(CLI::App& app, int& status);

/// Prints what `weft version` prints (`weft --version` too). @returns exit_ok.
int print_version(bool json);

} // namespace weft::cli
