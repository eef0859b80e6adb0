//! The long poll (`GET /api/v1/changes`) over HTTP: the desk is woken by any change, an engineer
//! only by their own, a restored database wakes everyone, a shutdown ends every wait, and bad
//! input is refused.

mod common;

use common::*;
use onsite_core::wire::Changes;
use reqwest::StatusCode;

async fn wait(s: &Server, token: &str, after: i64, secs: u64) -> Changes {
    let res = s.get(token, &format!("/api/v1/changes?after={after}&wait={secs}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("Changes")
}

#[tokio::test]
async fn the_desk_is_woken_by_a_dispatch_and_an_engineer_only_by_their_own() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let now = wait(&s, &desk, 0, 0).await;
    let quiet = wait(&s, &desk, now.rev, 0).await;
    assert_eq!(quiet, Changes { changed: false, rev: now.rev });

    // A wait of 25 s, answered by a dispatch made while it waits.
    let (woken, job) = tokio::join!(wait(&s, &desk, now.rev, 25), async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        s.create_job(&desk, Some(BOB)).await
    });
    assert!(woken.changed && woken.rev >= job.rev, "{woken:?} {job:?}");

    // Alice's phone, up to date, is not woken by bob's job …
    let cursor = s.pull(&alice, 0).await.cursor;
    let (alices, _) = tokio::join!(wait(&s, &alice, cursor, 1), s.create_job(&desk, Some(BOB)));
    assert!(!alices.changed, "{alices:?}");
    // … and is by hers.
    let (alices, mine) = tokio::join!(wait(&s, &alice, cursor, 25), async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        s.create_job(&desk, Some(ALICE)).await
    });
    assert!(alices.changed, "{alices:?}");
    let pulled = s.pull(&alice, cursor).await;
    assert_eq!(pulled.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), vec![mine.id]);
}

#[tokio::test]
async fn a_counter_behind_the_callers_wakes_it_at_once() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    // A database restored from a backup is behind what the phone and the desk have read.
    for token in [&desk, &alice] {
        let got = wait(&s, token, 1_000_000, 25).await;
        assert!(got.changed && got.rev < 1_000_000, "{got:?}");
    }
}

#[tokio::test]
async fn a_shutdown_ends_the_waits_in_flight() {
    let mut s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    let rev = wait(&s, &desk, 0, 0).await.rev;
    let waiting = s.client.get(s.url(&format!("/api/v1/changes?after={rev}"))).bearer_auth(&desk).send();
    // Without the shutdown ending it, the wait would hold the server for its 25 s.
    let both = async {
        tokio::join!(waiting, async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            s.stop().await;
        })
    };
    let (answer, ()) = tokio::time::timeout(std::time::Duration::from_secs(15), both)
        .await
        .expect("the wait ended with the server");
    let answer: Changes = answer.expect("answered before the server went").json().await.expect("Changes");
    assert_eq!(answer, Changes { changed: false, rev });
}

#[tokio::test]
async fn bad_waits_are_refused() {
    let s = Server::start().await;
    let desk = s.login(DISPATCHER).await;
    for query in
        ["", "?after=-1", "?after=x", "?after=0&wait=26", "?after=0&wait=-1", "?after=0&device=phone"]
    {
        let res = s.get(&desk, &format!("/api/v1/changes{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
    }
}

#[tokio::test]
async fn a_phone_is_not_woken_by_its_own_push_but_is_by_its_other_device() {
    let s = Server::start().await;
    let (desk, alice) = (s.login(DISPATCHER).await, s.login(ALICE).await);
    let job = s.create_job(&desk, Some(ALICE)).await;
    let cursor = s.pull(&alice, 0).await.cursor;
    let (mine, other) = (device(), device());
    let own = |after: i64, secs: u64, d: onsite_core::DeviceId| {
        let (s, alice) = (&s, &alice);
        async move {
            let res = s.get(alice, &format!("/api/v1/changes?after={after}&wait={secs}&device={d}")).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Changes>().await.expect("Changes")
        }
    };
    // This phone pushes: its own events, pulled back by its next round anyway, wake nothing
    // (a push whose answer was lost is retried on the phone's backoff, not at once).
    s.push_ok(&alice, mine, &[note(job.id, mine, 1)]).await;
    let quiet = own(cursor, 1, mine).await;
    assert!(!quiet.changed, "{quiet:?}");
    // Without the device, the same wait is woken (the event is after the cursor) …
    assert!(wait(&s, &alice, cursor, 0).await.changed);
    // … and the engineer's other phone's event wakes this one.
    let (woken, _) = tokio::join!(own(cursor, 25, mine), async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        s.push_ok(&alice, other, &[note(job.id, other, 1)]).await
    });
    assert!(woken.changed, "{woken:?}");
}
