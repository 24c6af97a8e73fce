// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "registry/registryclient.h"
#include "store/store.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QMap>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTimer;

namespace ferry {

class ManifestModel;
class SyncMatrixModel;
class Workspace;

// Fetches one manifest from a registry of the plan (on the network threads).
using ManifestFetcher =
    std::function<QFuture<Result<ManifestFetch>>(const QString &registry, const QString &repository, const QString &reference)>;

// The sync matrix: filter as you type, filter by state, sort by any column, and the
// selected row's cells, reasons and digest history in a detail panel, with the manifest of
// a chosen registry's digest fetched on demand and shown highlighted beside its parts.
class ImagesPage : public QWidget
{
    Q_OBJECT
public:
    explicit ImagesPage(SyncMatrixModel *model, QWidget *parent = nullptr);

    // The detail panel reads a tag's history through the workspace, off the GUI thread (may be null).
    void setWorkspace(Workspace *workspace) { m_workspace = workspace; }
    void showState(const QString &state);
    // The matrix behind a number of the Overview: cells of a registry in these states (rows
    // in these states when registry is empty).
    void showCells(const QString &registry, const QStringList &states);
    // A link from another page sets the filters it means and no others: the text filter goes.
    void clearTextFilter();
    // One image's row (a reference of the Clients page, a lag row): its text, every state and
    // registry, applied now, and its first row selected.
    void showRow(const QString &repository, const QString &tag);
    QComboBox *registryFilter() const { return m_registry; }
    void focusFilter();
    QTableView *view() const { return m_view; }
    QTextBrowser *details() const { return m_details; }
    QLineEdit *filterEdit() const { return m_filter; }
    // Registry name -> host[:port], for full references (from the plan).
    void setRegistryHosts(const QMap<QString, QString> &hosts) { m_hosts = hosts; }
    // What the context menu copies for a cell: its digest, and host/repository:tag@digest
    // (repository:tag@digest without a known host). Empty where the cell has no digest.
    QString digestAt(const QModelIndex &index) const;
    QString referenceAt(const QModelIndex &index) const;

    void setManifestFetcher(ManifestFetcher fetcher) { m_fetcher = std::move(fetcher); }
    // The manifest tab: which registry's digest to fetch, then fetch it.
    QComboBox *manifestRegistry() const { return m_manifestRegistry; }
    void fetchManifest();
    QPlainTextEdit *manifestText() const { return m_manifestText; }
    QString manifestStatus() const;
    ManifestModel *manifestModel() const { return m_manifestModel; }
    QTabWidget *detailTabs() const { return m_tabs; }

Q_SIGNALS:
    void manifestShown(bool ok);
    // Plan a copy batch: one row (repository and tag), or every row in a state (both empty).
    void copyRequested(const QString &repository, const QString &tag, const QString &state);

private:
    QWidget *buildManifestTab();
    void applyFilter();
    void updateCount();
    void showDetails();
    // After the matrix is filtered, sorted or reset: the panel follows the selected row, or clears
    // when the row is gone (it showed a row the filter had removed, with that row's digests).
    void followSelection();
    void showHistory();
    void resetManifest();

    SyncMatrixModel *m_model;
    Workspace *m_workspace = nullptr;
    QFutureWatcher<QList<Observation>> m_history; // the selected row's digest history, being read
    QString m_detailsHtml; // the panel without the history, which is added when read
    QString m_detailsRow; // "repository:tag" of the row the panel shows; empty: none
    QLineEdit *m_filter;
    QComboBox *m_state;
    QComboBox *m_registry;
    QLabel *m_count;
    QTableView *m_view;
    QTextBrowser *m_details;
    QTimer *m_debounce;
    QMap<QString, QString> m_hosts;
    QTabWidget *m_tabs;
    QComboBox *m_manifestRegistry;
    QPushButton *m_fetch;
    QLabel *m_manifestStatus;
    QPlainTextEdit *m_manifestText;
    ManifestModel *m_manifestModel;
    QTableView *m_manifestParts;
    ManifestFetcher m_fetcher;
    quint64 m_fetchGeneration = 0; // answers for a row no longer selected are dropped
};

} // namespace ferry
