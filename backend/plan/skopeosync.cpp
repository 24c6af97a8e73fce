// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// retagger's skopeo-sync files read into the plan's image sets.

#include "parse/inputfile.h"
#include "plan/plan.h"
#include "plan/planyaml.h"

#include "parse/reference.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ferry {

using namespace planyaml;

std::optional<QList<ImageSet>> importSkopeoSync(const QString &path, const QString &sourceRegistry, const QString &targetRegistry,
                                                const QString &targetPrefix, QString *error, QStringList *warnings)
{
    QString why;
    const std::optional<QByteArray> text = readInputFile(path, inputlimit::Plan, &why);
    if (!text) {
        *error = QStringLiteral("cannot read skopeo-sync file: %1").arg(why);
        return std::nullopt;
    }
    Ctx ctx{path, error};
    QList<ImageSet> out;
    try {
        const YAML::Node root = YAML::Load(text->toStdString());
        if (!root.IsMap()) {
            ctx.fail(root, QStringLiteral("a skopeo-sync file maps a registry host to images"));
            return std::nullopt;
        }
        for (auto hostIt = root.begin(); hostIt != root.end(); ++hostIt) {
            const QString host = reference::normaliseRegistryHost(QString::fromStdString(hostIt->first.Scalar()));
            const bool hub = host == u"registry-1.docker.io";
            const YAML::Node body = hostIt->second;
            if (!checkKeys(ctx, body,
                           {QStringLiteral("images"), QStringLiteral("images-by-tag-regex"), QStringLiteral("images-by-semver"),
                            QStringLiteral("credentials"), QStringLiteral("tls-verify"), QStringLiteral("cert-dir")},
                           QStringLiteral("the skopeo-sync entry for %1").arg(host)))
                return std::nullopt;
            auto makeSet = [&](const YAML::Node &key) {
                ImageSet s;
                s.sourceRegistry = sourceRegistry;
                QString repo = QString::fromStdString(key.Scalar());
                if (hub && !repo.contains(u'/'))
                    repo.prepend(QStringLiteral("library/")); // skopeo's docker.io normalisation
                s.sourceRepository = repo;
                s.targetRegistry = targetRegistry;
                const QString last = repo.section(u'/', -1);
                s.targetRepository = targetPrefix.isEmpty() ? last : targetPrefix + u'/' + last;
                s.origin = ctx.where(key);
                return s;
            };
            for (auto it = body["images"].begin(); it != body["images"].end(); ++it) {
                ImageSet s = makeSet(it->first);
                const YAML::Node tags = it->second;
                if (!tags || tags.IsNull() || (tags.IsSequence() && tags.size() == 0)) {
                    s.tags.kind = TagFilter::Kind::All; // skopeo: an empty list syncs every tag
                } else {
                    s.tags.kind = TagFilter::Kind::List;
                    for (const YAML::Node &t : tags) {
                        const QString v = str(t);
                        if (v.startsWith(QStringLiteral("sha256:"))) {
                            warnings->append(QStringLiteral("%1: %2@%3 is pinned by digest; Ferry follows tags and leaves it out")
                                                 .arg(ctx.where(t), s.sourceRepository, v));
                            continue;
                        }
                        s.tags.list << v;
                    }
                    if (s.tags.list.isEmpty())
                        continue;
                }
                out.append(s);
            }
            for (auto it = body["images-by-tag-regex"].begin(); it != body["images-by-tag-regex"].end(); ++it) {
                ImageSet s = makeSet(it->first);
                s.tags.kind = TagFilter::Kind::Regex;
                s.tags.regex = QRegularExpression(str(it->second));
                if (!s.tags.regex.isValid()) {
                    ctx.fail(it->second, QStringLiteral("invalid regular expression: %1").arg(s.tags.regex.errorString()));
                    return std::nullopt;
                }
                out.append(s);
            }
            for (auto it = body["images-by-semver"].begin(); it != body["images-by-semver"].end(); ++it) {
                ImageSet s = makeSet(it->first);
                s.tags.kind = TagFilter::Kind::Semver;
                QString err;
                s.tags.semver = SemverConstraint::parse(str(it->second), &err);
                if (!s.tags.semver) {
                    ctx.fail(it->second, err);
                    return std::nullopt;
                }
                out.append(s);
            }
        }
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2:%3: %4").arg(path).arg(e.mark.line + 1).arg(e.mark.column + 1).arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArray> planFromSkopeoSync(const QString &syncPath, const QString &targetHost, const QString &targetPrefix,
                                             QString *error)
{
    QString why;
    const std::optional<QByteArray> text = readInputFile(syncPath, inputlimit::Plan, &why);
    if (!text) {
        *error = QStringLiteral("cannot read skopeo-sync file: %1").arg(why);
        return std::nullopt;
    }
    const QString target = targetHost.trimmed().remove(QStringLiteral("https://")).remove(QStringLiteral("http://"));
    if (target.isEmpty() || target.contains(u'/') || target.contains(u' ')) {
        *error = QStringLiteral("the target registry is a host name, such as myregistry.azurecr.io (got '%1')").arg(targetHost);
        return std::nullopt;
    }
    QStringList hosts;
    try {
        const YAML::Node root = YAML::Load(text->toStdString());
        if (!root.IsMap() || root.size() == 0) {
            *error = QStringLiteral("%1 is not a skopeo-sync file: it maps registry hosts to their images").arg(syncPath);
            return std::nullopt;
        }
        for (auto it = root.begin(); it != root.end(); ++it)
            hosts.append(QString::fromStdString(it->first.Scalar()));
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1: %2").arg(syncPath, QString::fromStdString(e.what()));
        return std::nullopt;
    }
    if (hosts.size() != 1) {
        *error = QStringLiteral("%1 names %2 registries; a first plan imports a file with one (retagger writes one per registry)")
                     .arg(syncPath)
                     .arg(hosts.size());
        return std::nullopt;
    }
    // YAML's double-quoted strings: backslashes and quotes escaped.
    auto quoted = [](QString s) {
        s.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        return QString(u'"' + s + u'"');
    };
    const QString sourceHost = reference::normaliseRegistryHost(hosts.constFirst());
    const bool hub = sourceHost == u"registry-1.docker.io";
    QString yaml = QStringLiteral("# A first plan, written by Ferry from %1.\n"
                                  "# Add replicas, caches and cleanup policies as the README's plan format describes.\n"
                                  "version: 1\nname: %2\nregistries:\n")
                       .arg(QFileInfo(syncPath).fileName(), quoted(QFileInfo(syncPath).completeBaseName()));
    yaml += QStringLiteral("  source: { url: %1, role: source%2 }\n")
                .arg(quoted(QStringLiteral("https://") + sourceHost), hub ? QStringLiteral(", client-name: docker.io") : QString());
    yaml += QStringLiteral("  target: { url: %1, role: target }\n").arg(quoted(QStringLiteral("https://") + target));
    const QString prefix = targetPrefix.trimmed().remove(QRegularExpression(QStringLiteral("^/+|/+$")));
    yaml += QStringLiteral("images:\n  - skopeo-sync: %1\n    source: source\n    target: %2\n")
                .arg(quoted(QFileInfo(syncPath).absoluteFilePath()),
                     quoted(prefix.isEmpty() ? QStringLiteral("target") : QStringLiteral("target/") + prefix));
    return yaml.toUtf8();
}

} // namespace ferry
