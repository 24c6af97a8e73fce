// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/workspace.h"
#include "registry/registryconfig.h"

#include "core/compactmatrix.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QMap>

#include <map>

#include <memory>

class QAction;
class QTimer;
class QLabel;
class QListWidget;
class QProgressBar;
class QThread;
class QStackedWidget;

namespace ferry {

class BatchesPage;
class CleanupPage;
class RegistriesPage;
class ClientsPage;
class ChartsPage;
class CopyPage;
class ReplicationPage;
class WelcomePage;
class ImagesPage;
class NetworkService;
class RegistryClient;
class OverviewPage;
class ScanWorker;
class Store;
class SyncMatrixModel;
struct ScanProgress;
struct ScanSummary;

// The dashboard: a sidebar of pages, a toolbar to open a plan and scan, the last scan in
// the status bar. Scans run on the network threads; results land in the store and the
// pages reload from it.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(const QString &planPath, const QString &dbPath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // A file at once; a server from a worker first (true: connecting, errors in the status bar).
    bool openDatabase(const QString &dbPath, QString *error);
    void reload();
    void startScan();
    void showImages(const QString &state = {});
    ImagesPage *imagesPage() const { return m_images; }
    CleanupPage *cleanupPage() const { return m_cleanup; }
    ReplicationPage *replicationPage() const { return m_replication; }
    OverviewPage *overviewPage() const { return m_overview; }
    RegistriesPage *registriesPage() const { return m_registries; }
    ClientsPage *clientsPage() const { return m_clients; }
    ChartsPage *chartsPage() const { return m_charts; }
    CopyPage *copyPage() const { return m_copies; }
    BatchesPage *batchesPage() const { return m_batches; }
    WelcomePage *welcomePage() const { return m_welcome; }
    QWidget *currentPage() const;
    // Opens a plan and the database next to it, and shows the Overview.
    // remember: the next start without arguments opens it again.
    bool openPlanFile(const QString &path, QString *error, bool remember = true);
    // A page by its command-line name (pages::names()); "cleanup" and "copies" (and "batches")
    // open the Batches page on that kind.
    void showPage(const QString &name);
    SyncMatrixModel *model() const { return m_model; }
    bool scanning() const { return m_scan != nullptr; }
    Workspace *workspace() const { return m_workspace; }
    // The matrix is read from the store on a worker (seconds at a million rows): until then
    // the window works and the status bar says it is loading.
    bool matrixLoading() const { return m_matrixLoading; }

Q_SIGNALS:
    void matrixLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void openPlan();
    void onProgress(const ScanProgress &p);
    void onFinished(const ScanSummary &s);
    void showLastScan();
    void onMatrixRead();
    void setUpWelcome(); // the sidebar's entries and the first run's page
    void addPageShortcuts(); // Ctrl+F, Ctrl+1 to Ctrl+8
    void connectNavigation(); // pages that lead to another page

    // The session: the plan (read again when its file changes), the database, the network.
    // A child: deleted after the members below (the running scan among them).
    Workspace *m_workspace;
    QString m_planError; // why the plan given at start cannot be read

    // The running scan: its worker on a thread of its own (store writes never block the window).
    std::unique_ptr<ScanJob> m_scan;
    SyncMatrixModel *m_model;
    QListWidget *m_sidebar;
    QStackedWidget *m_pages;
    OverviewPage *m_overview;
    ImagesPage *m_images;
    CleanupPage *m_cleanup;
    ReplicationPage *m_replication;
    RegistriesPage *m_registries;
    ClientsPage *m_clients;
    ChartsPage *m_charts;
    CopyPage *m_copies;
    BatchesPage *m_batches; // holds m_cleanup and m_copies
    WelcomePage *m_welcome;
    QString m_planName; // the plan's file name, for the title
    QString m_storeLabel; // a shared store's URL (no password), for the title
    void updateTitle();
    bool attachDatabase(const QString &dbPath, QString *error);
    QAction *m_scanAction;
    QAction *m_stopAction;
    QAction *m_exportAction;
    QLabel *m_scanLabel;
    QObject *m_lastScanRead = nullptr; // the latest read of the last scan (its watcher)
    // The matrix and the Overview's figures, read together (Workspace::matrixSnapshot).
    QFutureWatcher<MatrixSnapshot> m_matrixWatcher;
    QStringList m_columnOrder;
    bool m_reloadAgain = false;
    bool m_matrixLoading = false; // from the read's start until the model has its result
    QProgressBar *m_scanProgress;
};

} // namespace ferry
