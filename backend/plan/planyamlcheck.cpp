// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Checks on a plan's YAML as a whole, before its keys are read, and small maps read alike.

#include "parse/duration.h"
#include "parse/inputfile.h"
#include "plan/planyaml.h"

#include <QSet>

namespace ferry::planyaml {

// A key written twice in one map is refused: YAML readers keep one of them, and which one silently
// decides the plan (two registries of one name, a policy's older-than written twice). The walk is
// bounded in depth and in nodes: YAML aliases share nodes, and a few lines can stand for billions.
bool uniqueKeys(const Ctx &ctx, const YAML::Node &n, int depth, qint64 *visits)
{
    constexpr int kMaxDepth = 64;
    constexpr qint64 kMaxNodes = 1'000'000;
    if (depth > kMaxDepth)
        return ctx.fail(n, QStringLiteral("the plan nests deeper than %1 levels").arg(kMaxDepth));
    if (++*visits > kMaxNodes)
        return ctx.fail(n, QStringLiteral("the plan has more than %1 values (YAML aliases expanding?)").arg(kMaxNodes));
    if (n.IsSequence()) {
        for (const YAML::Node &item : n)
            if (!uniqueKeys(ctx, item, depth + 1, visits))
                return false;
        return true;
    }
    if (!n.IsMap())
        return true;
    QSet<QString> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
        if (it->first.IsScalar()) {
            const QString key = QString::fromStdString(it->first.Scalar());
            if (seen.contains(key))
                return ctx.fail(it->first, QStringLiteral("'%1' is written twice in this map; keep one").arg(printableText(key, 80)));
            seen.insert(key);
        }
        if (!uniqueKeys(ctx, it->second, depth + 1, visits))
            return false;
    }
    return true;
}

// budget: { floor: 20, poll: 60s }: copies from this registry pause while its pull budget
// (Docker Hub's ratelimit-remaining) is at or below the floor, and look again every poll.
bool parseBudget(const Ctx &ctx, const YAML::Node &b, int *floorOut, qint64 *pollMs)
{
    if (!b.IsMap() || !checkKeys(ctx, b, {QStringLiteral("floor"), QStringLiteral("poll")}, QStringLiteral("budget")))
        return b.IsMap() ? false : ctx.fail(b, QStringLiteral("budget is a map: { floor: 20, poll: 60s }"));
    int floor = -1;
    if (!b["floor"] || !YAML::convert<int>::decode(b["floor"], floor) || floor < 0 || floor > 1'000'000)
        return ctx.fail(b, QStringLiteral("budget needs floor: the pulls to keep in reserve, a number from 0"));
    *floorOut = floor;
    if (b["poll"]) {
        const auto ms = parseDurationMs(str(b["poll"]));
        if (!ms || *ms < 100 || *ms > 6 * 3600 * 1000)
            return ctx.fail(b["poll"], QStringLiteral("budget poll is a duration from 100ms to 6h, like 60s"));
        *pollMs = *ms;
    }
    return true;
}

} // namespace ferry::planyaml
