// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Cleanup page: batches, the items of the selected one (every tag that goes with a
// digest, the policy, why, the checks it passed), and the lead's decisions: approve with a
// name and a comment against the hash shown, reject, dry run, execute with progress and a
// log of every item, stop. The engine is the one ferryctl cleanup and the window run.

#include "core/batchreads.h"
#include "tui/views.h"

namespace ferry::tui {

namespace {

QString when(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("–");
}

Style styleOfItemState(const QString &state)
{
    if (state == itemstate::Deleted || state == itemstate::AlreadyAbsent || state == itemstate::WouldDelete)
        return Style::Good;
    if (state == itemstate::Failed || state == itemstate::Refused || state == itemstate::NotPermitted)
        return Style::Bad;
    if (state == itemstate::Skipped || state == itemstate::Sending)
        return Style::Warn;
    return Style::Normal;
}

} // namespace

CleanupView::CleanupView(Host &host)
    : BatchesView(host, QStringLiteral("cleanup"), QStringLiteral("Stopping after the current item…"))
{
    m_batchTable.setModel(&m_batches);
    m_batchTable.setWidths({5, 0, 14, 7, 6, 9, 0, 13});
    m_itemTable.setModel(&m_items);
    m_itemTable.setWidths({3, 6, 12, 0, 12, 0, 10});
}

QString CleanupView::keys() const
{
    if (m_job)
        return QStringLiteral("c stop (after the current item)");
    return QStringLiteral("Tab batches/items  p plan  a approve  r reject  d dry run  x execute");
}

const CleanupBatch *CleanupView::batch() const
{
    return m_batches.batchAt(m_batchTable.current());
}

void CleanupView::reload()
{
    whenReady(this, readCleanupBatches(m_host.workspace(), batchToKeep(batch() ? batch()->id : 0)), [this](const CleanupBatchesRead &read) {
        m_lastRefs = read.lastRefs;
        m_batches.setBatches(read.batches);
        // The batch kept, else the first that still needs the lead (the read's rule).
        const int row = read.shown ? m_batches.rowOf(read.shown->id) : -1;
        m_loaded = true;
        selectBatch(qMax(0, row));
        m_host.redraw();
    });
}

void CleanupView::selectBatch(int row)
{
    m_batchTable.setCurrent(row);
    const CleanupBatch *b = batch();
    if (!b) {
        m_full.reset();
        m_items.setItems({});
        return;
    }
    const qint64 id = b->id;
    whenReady(this, readCleanupBatch(m_host.workspace(), id), [this, id](const std::optional<CleanupBatch> &full) {
        if (!batch() || batch()->id != id)
            return; // another batch was selected meanwhile
        m_full = full;
        m_items.setItems(full ? full->items : QList<CleanupItem>());
        m_itemTable.setCurrent(0);
        m_host.redraw();
    });
}

void CleanupView::draw(Screen &s, int top, int bottom)
{
    int y = drawHead(s, top, m_batches.rowCount(), QStringLiteral("Reading the cleanup batches from the store…"),
                     QStringLiteral("No cleanup batches yet. p reads the registries the plan's cleanup policies name and proposes "
                                    "batches; nothing is deleted without approval."));
    if (y < 0)
        return;
    const int body = bottom - y;
    const int batchRows = qBound(2, m_batches.rowCount() + 1, qMax(2, body / 3));
    m_batchTable.draw(s, y, y + batchRows, !m_itemsFocused, {},
                      [this](int row, int) { return severityStyle(batchStatusSeverity(m_batches.batchAt(row)->status)); });
    y += batchRows;
    const CleanupBatch *b = batch();
    if (!b || y >= bottom)
        return;
    s.put(y++, 1,
          QStringLiteral("Batch %1 · %2 · %3 to delete (%4), %5 held back · %6 · listed %7%8")
              .arg(b->id)
              .arg(b->status)
              .arg(b->deleteCount)
              .arg(humanBytes(b->bytes))
              .arg(b->keepCount)
              .arg(b->policies, when(b->listedAt), b->listingComplete ? QString() : QStringLiteral(" (INCOMPLETE: blocked)")),
          Style::Title);
    s.put(y++, 3, QStringLiteral("hash ") + b->hash);
    if (!b->decidedBy.isEmpty() && y < bottom)
        s.put(y++, 3,
              QStringLiteral("%1 by %2 at %3%4")
                  .arg(b->status == batchstatus::Rejected ? QStringLiteral("rejected") : QStringLiteral("approved"), b->decidedBy,
                       when(b->decidedAt), b->comment.isEmpty() ? QString() : QStringLiteral(": ") + b->comment),
              Style::Good);
    if (!b->refsOverride.isEmpty() && y < bottom)
        s.put(y++, 3, QStringLiteral("APPROVED WITHOUT A FRESH REFS SCAN: ") + b->refsOverride, Style::Bad);
    else if (b->status == batchstatus::Planned && y < bottom) {
        const QString stale = refsStaleness(*b, m_lastRefs, QDateTime::currentDateTimeUtc());
        if (!stale.isEmpty())
            s.put(y++, 3, QStringLiteral("clusters: %1; approval asks for an override").arg(stale), Style::Warn);
        else if (b->refsScan)
            s.put(y++, 3,
                  QStringLiteral("clusters: refs scan %1 of %2; what they run, pin and name is held back")
                      .arg(b->refsScan)
                      .arg(when(b->refsAt)),
                  Style::Dim);
    }
    if (m_full && m_full->recomputedHash() != b->hash && y < bottom)
        s.put(y++, 3, QStringLiteral("ALTERED: the items no longer hash to the planned hash; this batch cannot be executed."), Style::Bad);
    // The items, then the selected item in full (or the log while a run goes).
    const int lower = qMin(7, qMax(3, (bottom - y) / 3));
    const int itemsBottom = qMax(y + 2, bottom - lower);
    m_itemTable.draw(s, y, itemsBottom, m_itemsFocused, {}, [this](int row, int column) {
        const CleanupItem *i = m_items.itemAt(row);
        if (column == CleanupItemModel::ActionColumn)
            return i->action == u"keep" ? Style::Dim : Style::Warn;
        return column == CleanupItemModel::StateColumn ? styleOfItemState(i->state) : Style::Normal;
    });
    y = itemsBottom;
    if (y >= bottom)
        return;
    s.fill(y++, 0, s.cols(), u'─', Style::Dim);
    if (!m_log.isEmpty()) {
        const int rows = bottom - y;
        for (qsizetype i = qMax<qsizetype>(0, m_log.size() - rows); i < m_log.size() && y < bottom; ++i)
            s.put(y++, 1, m_log[i], styleOfItemState(m_log[i].section(u' ', 0, 0)));
        return;
    }
    if (const CleanupItem *i = m_items.itemAt(m_itemTable.current())) {
        s.put(y++, 1,
              QStringLiteral("%1 %2  %3")
                  .arg(i->action == u"keep" ? QStringLiteral("KEEP") : QStringLiteral("DELETE"), i->digest, i->mediaType),
              i->action == u"keep" ? Style::Normal : Style::Warn);
        if (y < bottom)
            s.put(y++, 3,
                  QStringLiteral("tags: ") + (i->tags.isEmpty() ? QStringLiteral("(untagged)") : i->tags.join(QStringLiteral(", "))));
        if (y < bottom)
            s.put(y++, 3, QStringLiteral("policy %1: %2").arg(i->policy, i->action == u"keep" ? i->holdReason : i->reason));
        if (y < bottom && !i->checks.isEmpty())
            s.put(y++, 3, QStringLiteral("checks passed: ") + i->checks.join(QStringLiteral(", ")), Style::Dim);
        if (y < bottom)
            s.put(y++, 3,
                  QStringLiteral("age from %1 (%2) · size %3 · state %4%5")
                      .arg(when(i->ageFrom), i->ageSource, humanBytes(i->size), i->state,
                           i->outcome.isEmpty() ? QString() : QStringLiteral(": ") + i->outcome),
                  styleOfItemState(i->state));
    }
}

bool CleanupView::kindKey(const KeyEvent &k)
{
    switch (k.key) {
    case 'p':
        run(QStringLiteral("Reading the registries the cleanup policies name…"), CleanupRequest{}, [this](const CleanupOutcome &o) {
            const CleanupPlanResult &r = o.plan;
            m_showNext = r.batches.value(0); // the review of what was just planned
            m_host.message(QStringLiteral("Planned %1 batch(es): %2 deletion(s) proposed, %3 held back by the safety checks. %4")
                               .arg(r.batches.size())
                               .arg(r.deleteItems)
                               .arg(r.keepItems)
                               .arg(r.errors.join(u' ')),
                           !r.errors.isEmpty());
        });
        return true;
    case 'a': approve(); return true;
    case 'r': reject(); return true;
    case 'd': execute(true); return true;
    case 'x': execute(false); return true;
    default: break;
    }
    return false;
}

void CleanupView::run(const QString &what, const CleanupRequest &request, std::function<void(const CleanupOutcome &)> done)
{
    if (busy())
        return;
    QString error;
    OperationJob *job = m_host.workspace().startCleanup(withBatchPlan(request, m_full), &error);
    runJob<CleanupOutcome>(what, job, error, std::move(done));
}

BatchesView::ProgressLine CleanupView::progressLine(const QVariant &progress) const
{
    const CleanupProgress p = progress.value<CleanupProgress>();
    return {QStringLiteral("%1: %2/%3  %4").arg(p.phase).arg(p.done).arg(p.total).arg(p.message),
            p.phase != u"plan" ? p.message : QString()};
}

void CleanupView::approve()
{
    const CleanupBatch *b = batch();
    if (!b)
        return;
    if (const QString blocked = approvalBlocker(*b); !blocked.isEmpty()) {
        m_host.message(blocked, true);
        return;
    }
    const qint64 id = b->id;
    const QString hash = b->hash;
    const QString stale = refsStaleness(*b, m_lastRefs, QDateTime::currentDateTimeUtc());
    const QString user = osUserName();
    const QStringList question{QStringLiteral("Approve batch %1: delete %2 digest(s) (%3) from %4/%5 with every tag on them.")
                                   .arg(id)
                                   .arg(b->deleteCount)
                                   .arg(humanBytes(b->bytes), b->registry, b->repository),
                               QStringLiteral("Hash: ") + hash,
                               user.isEmpty() ? QStringLiteral("Your name (recorded with the approval; Esc cancels):")
                                              : QStringLiteral("Your name (Enter for %1; Esc cancels):").arg(user)};
    m_host.ask(question, QString(), [this, id, hash, stale, user](const QString &name) {
        const QString actor = name.trimmed().isEmpty() ? user : name.trimmed();
        if (actor.isEmpty()) {
            m_host.message(QStringLiteral("An approval names who gives it: approve again and give your name."), true);
            return;
        }
        m_host.ask(
            {QStringLiteral("Approving batch %1 as %2, hash %3.").arg(id).arg(actor, hash), QStringLiteral("Comment (may be empty):")},
            QString(), [this, id, hash, actor, stale](const QString &comment) {
                auto send = [this, id, hash, actor, comment](bool withoutFreshRefs) {
                    CleanupRequest request;
                    request.kind = CleanupRequest::Kind::Approve;
                    request.batch = id;
                    request.actor = actor;
                    request.comment = comment;
                    request.expectedHash = hash; // what the lead saw is what is approved
                    request.withoutFreshRefs = withoutFreshRefs;
                    run(QStringLiteral("Approving batch %1…").arg(id), request, [this, id, actor](const CleanupOutcome &o) {
                        if (o.refused.isEmpty())
                            m_host.message(QStringLiteral("Batch %1 approved by %2.").arg(id).arg(actor));
                        else
                            m_host.message(o.refused, true);
                    });
                };
                if (stale.isEmpty()) {
                    send(false);
                    return;
                }
                // The override is a key of its own, recorded with the approval.
                m_host.ask({QStringLiteral("The clusters' references are not known fresh: %1.").arg(stale),
                            QStringLiteral("Type y to approve WITHOUT A FRESH REFS SCAN (recorded and shown in the review, the journal "
                                           "and the reports); anything else cancels:")},
                           QString(), [this, send](const QString &answer) {
                               if (answer.trimmed().compare(QStringLiteral("y"), Qt::CaseInsensitive) == 0)
                                   send(true);
                               else
                                   m_host.message(QStringLiteral("Not approved: run ferryctl refs scan --plan PLAN and plan again."), true);
                           });
            });
    });
}

void CleanupView::reject()
{
    const CleanupBatch *b = batch();
    if (!b)
        return;
    const qint64 id = b->id;
    m_host.ask({QStringLiteral("Reject batch %1: a rejected batch is never executed, nor approved again.").arg(id),
                QStringLiteral("Your name (Enter for %1; Esc cancels):").arg(batchActor({}))},
               QString(), [this, id](const QString &name) {
                   const QString actor = batchActor(name);
                   m_host.ask({QStringLiteral("Rejecting batch %1 as %2.").arg(id).arg(actor), QStringLiteral("Comment (may be empty):")},
                              QString(), [this, id, actor](const QString &comment) {
                                  CleanupRequest request;
                                  request.kind = CleanupRequest::Kind::Reject;
                                  request.batch = id;
                                  request.actor = actor;
                                  request.comment = comment;
                                  run(QStringLiteral("Rejecting batch %1…").arg(id), request, [this, id](const CleanupOutcome &o) {
                                      m_host.message(o.refused.isEmpty() ? QStringLiteral("Batch %1 rejected.").arg(id) : o.refused,
                                                     !o.refused.isEmpty());
                                  });
                              });
               });
}

void CleanupView::execute(bool dryRun)
{
    const CleanupBatch *b = batch();
    if (!b)
        return;
    const qint64 id = b->id;
    const auto go = [this, id, dryRun] {
        CleanupRequest request;
        request.kind = CleanupRequest::Kind::Execute;
        request.batch = id;
        request.options.dryRun = dryRun;
        request.options.actor = batchActor({});
        run(dryRun ? QStringLiteral("Dry run of batch %1…").arg(id) : QStringLiteral("Executing batch %1…").arg(id), request,
            [this, id, dryRun](const CleanupOutcome &o) {
                if (o.runs.isEmpty()) {
                    m_host.message(QStringLiteral("Batch %1: nothing ran.").arg(id), true);
                    return;
                }
                const CleanupExecResult &r = o.runs.first();
                if (!r.refused.isEmpty()) {
                    m_host.message(QStringLiteral("Refused: ") + r.refused, true);
                    return;
                }
                m_host.message(QStringLiteral("%1 %2: %3%4")
                                   .arg(dryRun ? QStringLiteral("Dry run of batch") : QStringLiteral("Batch"))
                                   .arg(id)
                                   .arg(r.countsText(), r.stopped ? QStringLiteral(" (stopped; x again finishes it)") : QString()),
                               r.hasFailures() || r.stopped);
            });
    };
    if (dryRun) {
        go();
        return;
    }
    m_host.ask(
        {QStringLiteral("Delete %1 digest(s) from %2/%3? This cannot be undone.").arg(b->deleteCount).arg(b->registry, b->repository),
         QStringLiteral("Each item is re-checked right before its DELETE; an item whose tags changed since approval is skipped."),
         QStringLiteral("Type yes to execute:")},
        QString(), [this, go](const QString &answer) {
            if (answer.trimmed() == u"yes")
                go();
            else
                m_host.message(QStringLiteral("Not executed."));
        });
}

} // namespace ferry::tui
