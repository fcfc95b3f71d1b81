#include "commands.hpp"
namespace weft::cli {
void add_mac_commands(CLI::App&, int&) {}
} // namespace weft::cli
