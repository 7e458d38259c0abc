#include "random_spec.hpp"

namespace capdl_test {

using namespace sel4::capdl;

Rights RandomSpec::rights() { return {coin(), coin(), coin(), coin()}; }

Cap RandomSpec::cap(std::size_t objects) {
    Cap cap;
    cap.kind = static_cast<CapKind>(below(static_cast<std::uint64_t>(CapKind::DomainSet) + 1));
    cap.object = static_cast<ObjectId>(below(objects));
    switch (cap.kind) {
    case CapKind::Endpoint:
    case CapKind::Notification:
        cap.badge = coin() ? 0 : word();
        cap.rights = rights();
        break;
    case CapKind::CNode:
        cap.guard = below(1 << 10);
        cap.guard_size = static_cast<std::uint8_t>(below(64));
        break;
    case CapKind::Frame:
        cap.rights = rights();
        cap.cached = coin();
        cap.executable = coin();
        break;
    default:
        break;
    }
    return cap;
}

CapTable RandomSpec::slots(std::size_t objects) {
    CapTable table;
    const std::uint64_t count = below(5);
    for (std::uint32_t slot = 0; slot < count; ++slot) {
        table.push_back({slot * 3 + static_cast<std::uint32_t>(below(3)), cap(objects)});
    }
    return table;
}

Object RandomSpec::object(std::size_t objects) {
    const auto size_bits = [&] { return static_cast<std::uint8_t>(below(64)); };
    switch (below(std::variant_size_v<Object>)) {
    case 0:
        return object::Untyped{size_bits(), maybe(word())};
    case 1:
        return object::Endpoint{};
    case 2:
        return object::Notification{};
    case 3:
        return object::CNode{size_bits(), slots(objects)};
    case 4: {
        object::TcbExtra extra{word(), below(4), static_cast<std::uint8_t>(below(256)), static_cast<std::uint8_t>(below(256)),
                               coin(), coin(), maybe(static_cast<std::uint8_t>(below(16))), word(), word(), {},
                               maybe(word())};
        for (std::uint64_t i = below(4); i > 0; --i) extra.gprs.push_back(word());
        return object::Tcb{slots(objects), extra};
    }
    case 5:
        return object::Irq{slots(objects)};
    case 6:
        return object::VCpu{};
    case 7: {
        object::Frame frame{static_cast<std::uint8_t>(12 + 9 * below(3)), maybe(word()), {}};
        for (std::uint64_t i = below(3); i > 0; --i) {
            const std::uint64_t start = below(4096);
            object::FillEntry entry{{start, start + 1 + below(4096 - start)}, {}};
            if (coin()) {
                entry.content = object::FileData{"file-" + std::to_string(below(100)) + ".elf", word()};
            } else {
                entry.content = object::BootInfoData{static_cast<object::BootInfoId>(below(7)), below(4096)};
            }
            frame.init.push_back(entry);
        }
        return frame;
    }
    case 8:
        return object::PageTable{coin(), coin(), maybe(static_cast<std::uint8_t>(below(4))), slots(objects)};
    case 9:
        return object::AsidPool{below(64)};
    case 10:
        return object::IOSpace{slots(objects), word(),
                               {static_cast<std::uint8_t>(below(256)), static_cast<std::uint8_t>(below(32)),
                                static_cast<std::uint8_t>(below(8))}};
    case 11:
        return object::IOPageTable{slots(objects), below(4)};
    case 12:
        return object::ArmIrq{slots(objects), static_cast<std::uint8_t>(below(2)), below(4)};
    case 13:
        return object::IrqMsi{slots(objects), word(), below(256), below(32), below(8)};
    case 14:
        return object::IrqIOApic{slots(objects), below(4), below(24), below(2), below(2)};
    case 15:
        return object::RiscvIrq{slots(objects), static_cast<std::uint8_t>(below(2))};
    case 16:
        return object::IOPorts{below(0x10000), below(0x10000)};
    case 17:
        return object::SchedContext{static_cast<std::uint8_t>(7 + below(4)), word(), word(), word()};
    case 18:
        return object::Reply{};
    case 19:
        return object::ArmSmc{};
    default:
        return object::DomainSet{};
    }
}

Spec RandomSpec::make(std::size_t objects) {
    Spec spec;
    for (std::size_t i = 0; i < objects; ++i) {
        std::optional<std::string> name;
        if (coin()) name = "object_" + std::to_string(i) + (coin() ? "" : " \"quoted\" \xc3\xa9");
        spec.objects.push_back({name, object(objects)});
    }
    for (std::uint64_t i = below(4); i > 0; --i) spec.irqs.push_back({below(256), static_cast<ObjectId>(below(objects))});
    if (coin()) {
        spec.domain_schedule.emplace();
        for (std::uint64_t i = below(4); i > 0; --i) {
            const auto kind = static_cast<DomainSchedEntry::Kind>(below(3));
            spec.domain_schedule->push_back(
                {static_cast<std::uint8_t>(below(16)), kind, kind == DomainSchedEntry::Kind::EndMarker ? 0 : 1 + below(1000)});
        }
    }
    spec.domain_set_start = maybe(below(16));
    spec.domain_idx_shift = maybe(below(16));
    for (std::uint64_t i = below(3); i > 0; --i) spec.asid_slots.push_back(static_cast<ObjectId>(below(objects)));
    spec.root_objects = {0, static_cast<ObjectId>(objects)};
    if (objects > 2 && coin()) spec.untyped_covers.push_back({0, {1, static_cast<ObjectId>(objects)}});
    if (coin()) {
        OrigCapSlots cached{static_cast<std::uint32_t>(objects), {}};
        for (std::size_t i = 0; i < objects; ++i) cached.offsets_by_object.push_back(maybe(static_cast<std::uint32_t>(i)));
        spec.cached_orig_cap_slots = cached;
    }
    spec.log_level = maybe(static_cast<std::uint8_t>(below(6)));
    return spec;
}

} // namespace capdl_test
