// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Checks on a plan's YAML as a whole, before its keys are read.

#include "plan/inputfile.h"
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

} // namespace ferry::planyaml
