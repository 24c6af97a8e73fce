// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {

namespace mediatype {
inline constexpr char DockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char DockerList[] = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char DockerV1[] = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr char DockerV1Signed[] = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr char OciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char OciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char HelmConfig[] = "application/vnd.cncf.helm.config.v1+json";
inline constexpr char CosignSimpleSigning[] = "application/vnd.dev.cosign.simplesigning.v1+json";

// The Accept header every manifest request sends: a narrower list makes the reference
// registry answer 404 or serve a single-platform child instead of the index.
QByteArray acceptHeader();

// An image index or a Docker manifest list: a manifest whose children are manifests.
inline bool isIndexType(QStringView mediaType)
{
    return mediaType == QLatin1String(OciIndex) || mediaType == QLatin1String(DockerList);
}
} // namespace mediatype

struct Platform
{
    QString os;
    QString architecture;
    QString variant;
    QString osVersion;

    bool isEmpty() const { return os.isEmpty() && architecture.isEmpty(); }
    bool isUnknown() const { return os == u"unknown" && architecture == u"unknown"; }
    QString toString() const; // linux/arm64/v8
};

struct Descriptor
{
    QString mediaType;
    QString digest;
    qint64 size = -1;
    QString artifactType;
    std::optional<Platform> platform;
    QMap<QString, QString> annotations;
};

enum class ManifestKind {
    DockerV2, // image manifest, schema 2
    DockerList, // manifest list
    OciManifest,
    OciIndex,
    DockerV1, // schema 1, unsigned
    DockerV1Signed, // schema 1, JWS-signed: digest over the canonical payload
    Unknown, // parsed JSON, but no type we know: kept, compared, never interpreted
};

QString manifestKindName(ManifestKind kind);

// What a manifest is, beyond its format: an image, a Helm chart, a signature…
enum class ArtifactClass { Image, Index, HelmChart, CosignSignature, Attestation, Artifact, Unknown };
QString artifactClassName(ArtifactClass c);

struct Manifest
{
    ManifestKind kind = ManifestKind::Unknown;
    ArtifactClass artifactClass = ArtifactClass::Unknown;
    QString mediaType; // the effective media type
    QString digest; // of the raw bytes (canonical payload for signed schema 1)
    qint64 rawSize = 0; // manifest bytes
    qint64 contentSize = 0; // config + layers, or the children's declared sizes for an index
    QString artifactType;
    std::optional<Descriptor> config;
    QList<Descriptor> layers;
    QList<Descriptor> children; // index / list entries
    std::optional<Descriptor> subject;
    QString platformOfImage; // schema 1 carries architecture at the top
    QStringList warnings;

    bool isIndex() const { return kind == ManifestKind::OciIndex || kind == ManifestKind::DockerList; }
    QList<Platform> platforms() const;
};

struct ManifestParseResult
{
    Manifest manifest;
    QString error; // empty when the document can be used
    bool ok() const { return error.isEmpty(); }
};

// One parser for every manifest format. raw is hashed as received, never re-serialised.
// contentType is the response's Content-Type (may be empty). Rejects non-JSON, truncated
// documents, ambiguous ones (both layers and manifests), a body type that contradicts the
// Content-Type or its own structure, duplicated type keys, and broken schema 1 signatures.
ManifestParseResult parseManifest(const QByteArray &raw, const QByteArray &contentType = {});

// For signed schema 1: the bytes the registry's digest is computed over.
std::optional<QByteArray> schema1CanonicalPayload(const QByteArray &raw, QString *error);

} // namespace ferry

Q_DECLARE_METATYPE(ferry::Manifest)
