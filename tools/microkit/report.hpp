// What sel4-microkit tells of the system it built: the report (-r, text for people, in the
// sections of Microkit 2.3's report) and the same content as JSON (--report-json, for tools),
// both from one Report; and the Viper view of each PD (--viper-output).
#pragma once

#include "sdf.hpp"
#include "system.hpp"

#include "add_spec.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace sel4::microkit {

struct Report {
    struct Object {
        std::size_t id;
        std::string kind, name;
        std::optional<Word> paddr;
    };
    struct Slot {
        std::uint32_t slot;
        std::string cap, object;
        Word badge;
        std::string rights;
    };
    struct Tcb {
        std::string name;
        capdl::object::TcbExtra extra;
        std::vector<std::pair<std::string, std::string>> bound; // the TCB's slots: what, object
    };
    struct CNode {
        std::string name;
        std::vector<Slot> slots;
    };
    struct Irq {
        std::string pd;
        unsigned id;
        std::string kind; // arm/riscv, ioapic, msi
        Word number;
        std::string detail;
    };
    capdl_tool::AddSpecReport initializer;
    std::vector<PdInfo> pds;
    std::vector<Irq> irqs;
    std::vector<Tcb> tcbs;
    std::vector<CNode> cnodes;
    std::vector<Object> objects;
    std::vector<std::pair<std::string, Word>> chosen_paddrs;
};

Report make_report(const sdf::SystemDescription &system, const BuiltSystem &built,
                   const capdl_tool::AddSpecReport &initializer);
void write_report_text(const Report &report, std::ostream &out);
std::string report_json(const Report &report);

// Writes <dir>/<pd>.vpr for each PD: its channels, capabilities and memory as Viper definitions,
// as Microkit 2.3's --viper-output does.
void write_viper(const sdf::SystemDescription &system, const BuiltSystem &built, const std::string &dir);

} // namespace sel4::microkit
