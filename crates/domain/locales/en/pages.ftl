# The decision page an approver opens from a mailed validation link. Arguments arrive HTML-escaped;
# the messages may hold the page's own markup.

decision-page-title-accept = Accept the validation of ticket #{ $number }
decision-page-title-reject = Reject the validation of ticket #{ $number }
decision-page-intro-accept = { $approver }, you are about to <strong>accept</strong> the request on ticket #{ $number } “{ $title }”:
decision-page-intro-reject = { $approver }, you are about to <strong>reject</strong> the request on ticket #{ $number } “{ $title }”:
decision-page-deadline = Decide before { $deadline }.
decision-page-comment-required = Why do you reject it? (required)
decision-page-comment-optional = Comment (optional)
decision-page-confirm-accept = Confirm: accept
decision-page-confirm-reject = Confirm: reject
decision-page-thanks = Thank you
decision-page-outcome = You { $decision ->
        [accept] accepted
       *[reject] rejected
    } the request. It is now <strong>{ $status ->
        [pending] pending
        [accepted] accepted
        [rejected] rejected
        [expired] expired
       *[cancelled] cancelled
    }</strong>.
decision-page-close = You can close this page.
decision-page-nothing-decided = Nothing was decided.
