// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

// Shared by the plan's readers only (plan.cpp, skopeosync.cpp): YAML nodes with file:line
// in every error.

#include <QList>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

namespace ferry::planyaml {

// Errors carry file:line:column, 1-based like compilers print them.
struct Ctx
{
    QString file;
    QString *error;
    bool fail(const YAML::Node &n, const QString &what) const
    {
        const YAML::Mark m = n.Mark();
        if (m.is_null())
            *error = QStringLiteral("%1: %2").arg(file, what);
        else
            *error = QStringLiteral("%1:%2:%3: %4").arg(file).arg(m.line + 1).arg(m.column + 1).arg(what);
        return false;
    }
    QString where(const YAML::Node &n) const
    {
        const YAML::Mark m = n.Mark();
        return m.is_null() ? file : QStringLiteral("%1:%2").arg(file).arg(m.line + 1);
    }
};

inline QString str(const YAML::Node &n)
{
    return QString::fromStdString(n.Scalar());
}

// False, with the error set, when the map has a key not in `allowed`.
bool checkKeys(const Ctx &ctx, const YAML::Node &map, const QStringList &allowed, const QString &what);

} // namespace ferry::planyaml

namespace ferry {
struct ClientSource;
struct ChartRepository;
struct Plan;
struct TagFilter;
namespace planyaml {
// A tag filter: all, a list, {regex: …} or {semver: …}.
bool parseTags(const Ctx &ctx, const YAML::Node &n, TagFilter *out);
// "registry/repository" with the registry one of the plan's.
bool splitRef(const Ctx &ctx, const YAML::Node &n, const Plan &plan, QString *registry, QString *repository, bool allowGlob);
// credentials: docker-config, anonymous or {username-env, password-env}, as the plan stores it.
bool parseCredentials(const Ctx &ctx, const YAML::Node &n, QString *out);
// The plan's `charts` list (plancharts.cpp); after the registries.
bool parseCharts(const Ctx &ctx, const YAML::Node &node, const QString &planDir, const Plan &plan, QList<ChartRepository> *out);
// The plan's `clients` list (planclients.cpp).
bool parseClients(const Ctx &ctx, const YAML::Node &node, const QString &planDir, QList<ClientSource> *out);
// No key twice in one map, at most 64 levels and a million nodes (YAML aliases share nodes): false
// with ctx's error otherwise. visits counts the nodes walked.
bool uniqueKeys(const Ctx &ctx, const YAML::Node &n, int depth, qint64 *visits);
// A source's budget: { floor: N, poll: DURATION }.
bool parseBudget(const Ctx &ctx, const YAML::Node &b, int *floor, qint64 *pollMs);
} // namespace planyaml
} // namespace ferry
