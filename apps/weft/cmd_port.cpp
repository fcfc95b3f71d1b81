#include "commands.hpp"
namespace weft::cli {
void add_port_commands(CLI::App&, int&) {}
} // namespace weft::cli
