// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The plan's `clients`: which clusters' manifests and containerd configuration Ferry reads.
//
//   clients:
//     - cluster: berlin
//       customer: acme          # optional
//       paths: [clusters/berlin/manifests, clusters/berlin/pods.json]
//       hosts-dir: clusters/berlin/certs.d   # optional
#include "plan/plan.h"
#include "plan/planyaml.h"

#include <QDir>

namespace ferry::planyaml {

bool parseClients(const Ctx &ctx, const YAML::Node &node, const QString &planDir, QList<ClientSource> *out)
{
    if (!node.IsSequence())
        return ctx.fail(node, QStringLiteral("clients must be a list of {cluster, customer, paths, hosts-dir}"));
    auto absolute = [&](const QString &p) { return QDir::isAbsolutePath(p) ? p : QDir(planDir).filePath(p); };
    for (const YAML::Node &c : node) {
        if (!c.IsMap())
            return ctx.fail(c, QStringLiteral("a client source is a map {cluster, customer, paths, hosts-dir}"));
        if (!checkKeys(ctx, c,
                       {QStringLiteral("cluster"), QStringLiteral("customer"), QStringLiteral("paths"), QStringLiteral("hosts-dir")},
                       QStringLiteral("a client source")))
            return false;
        ClientSource s;
        s.origin = ctx.where(c);
        s.cluster = str(c["cluster"]);
        if (s.cluster.isEmpty())
            return ctx.fail(c, QStringLiteral("a client source needs a cluster name"));
        s.customer = c["customer"] ? str(c["customer"]) : QString();
        const YAML::Node paths = c["paths"];
        if (paths && paths.IsScalar())
            s.paths << absolute(str(paths));
        else if (paths && paths.IsSequence())
            for (const YAML::Node &p : paths)
                s.paths << absolute(str(p));
        else if (paths)
            return ctx.fail(paths, QStringLiteral("paths is a file or directory, or a list of them"));
        if (c["hosts-dir"])
            s.hostsDir = absolute(str(c["hosts-dir"]));
        if (s.paths.isEmpty() && s.hostsDir.isEmpty())
            return ctx.fail(c, QStringLiteral("client source '%1' names neither paths nor a hosts-dir").arg(s.cluster));
        for (const ClientSource &other : std::as_const(*out))
            if (other.cluster == s.cluster)
                return ctx.fail(c["cluster"], QStringLiteral("cluster '%1' is listed twice (first at %2)").arg(s.cluster, other.origin));
        out->append(s);
    }
    return true;
}

} // namespace ferry::planyaml
